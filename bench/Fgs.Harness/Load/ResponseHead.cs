namespace Fgs.Harness.Load;

/// <summary>The parts of a response head the generator acts on.</summary>
internal struct ResponseHead
{
    public int Status;
    public long ContentLength;
    public bool Chunked;
    public bool ConnectionClose;
    public bool ColdStart;
}
