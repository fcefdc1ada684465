namespace Fgs.Snapshot.Criu;

/// <summary>How to start CRIU: the system binary, or a project-local one run through its own
/// dynamic loader (<c>ld-linux-x86-64.so.2 --library-path LIBDIR criu</c>) so that it uses the
/// newer libc it was built for without touching the system's.</summary>
/// <param name="FileName">The program to start.</param>
/// <param name="PrefixArguments">Arguments before CRIU's own (the loader's options and the criu path).</param>
/// <param name="Origin">Where it was found ("system" or the local prefix).</param>
public sealed record CriuCommand(string FileName, IReadOnlyList<string> PrefixArguments, string Origin)
{
    /// <summary>The command line, for logs.</summary>
    public override string ToString() =>
        PrefixArguments.Count == 0 ? FileName : FileName + " " + string.Join(' ', PrefixArguments);
}
