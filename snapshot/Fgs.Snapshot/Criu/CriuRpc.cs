using System.Text;

namespace Fgs.Snapshot.Criu;

/// <summary>
/// The part of CRIU's RPC protocol (<c>images/rpc.proto</c>, protobuf 2) the restore worker uses:
/// a <c>criu_req</c> of type RESTORE and the <c>criu_resp</c> it answers. Encoded by hand (a few
/// fields), so no protobuf runtime or generated code is needed.
/// </summary>
public static class CriuRpc
{
    private const int ReqType = 1;
    private const int ReqOpts = 2;
    private const int TypeRestore = 2;

    private const int OptImagesDirFd = 1;
    private const int OptLogLevel = 9;
    private const int OptLogFile = 10;
    private const int OptInheritFd = 27;
    private const int OptLazyPages = 48;
    private const int OptTcpClose = 52;
    private const int OptImagesDir = 68;

    private const int InheritKey = 1;
    private const int InheritFd = 2;

    private const int RespType = 1;
    private const int RespSuccess = 2;
    private const int RespRestore = 4;
    private const int RespErrno = 7;
    private const int RespErrmsg = 9;
    private const int RestorePid = 1;

    /// <summary>Encodes a RESTORE request.</summary>
    /// <param name="imagesDir">A path CRIU resolves with readlink (CRIU 4.x requires a symbolic link to the image folder).</param>
    /// <param name="logFile">The log file's name, inside the image folder (no slashes).</param>
    /// <param name="inherited">Each file the copy gets instead of the one it had open: the checkpointed
    /// path without its leading slash, and the worker's descriptor for it.</param>
    /// <param name="tcpClose">Restore TCP sockets closed.</param>
    /// <param name="logLevel">CRIU's log level (2: errors and warnings).</param>
    /// <param name="lazyPages">Leave anonymous memory to a <c>criu lazy-pages</c> daemon listening in the image folder.</param>
    public static byte[] RestoreRequest(string imagesDir, string logFile, IReadOnlyList<(string Key, int Fd)> inherited,
        bool tcpClose = true, int logLevel = 2, bool lazyPages = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesDir);
        if (logFile.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException("the log file is a name inside the image folder", nameof(logFile));
        var opts = new List<byte>(256);
        WriteVarintField(opts, OptImagesDirFd, unchecked((ulong)(long)-1));
        WriteVarintField(opts, OptLogLevel, (ulong)logLevel);
        WriteStringField(opts, OptLogFile, logFile);
        foreach (var (key, fd) in inherited)
        {
            var entry = new List<byte>(key.Length + 8);
            WriteStringField(entry, InheritKey, key);
            WriteVarintField(entry, InheritFd, (ulong)fd);
            WriteBytesField(opts, OptInheritFd, entry);
        }
        if (lazyPages)
            WriteVarintField(opts, OptLazyPages, 1);
        if (tcpClose)
            WriteVarintField(opts, OptTcpClose, 1);
        WriteStringField(opts, OptImagesDir, imagesDir);

        var request = new List<byte>(opts.Count + 8);
        WriteVarintField(request, ReqType, TypeRestore);
        WriteBytesField(request, ReqOpts, opts);
        return [.. request];
    }

    /// <summary>Decodes a <c>criu_resp</c>.</summary>
    /// <exception cref="FormatException">The bytes are not a well-formed response.</exception>
    public static CriuResponse ParseResponse(ReadOnlySpan<byte> message)
    {
        int type = 0, errno = 0, pid = -1;
        var success = false;
        string? errmsg = null;
        var at = 0;
        while (at < message.Length)
        {
            var key = ReadVarint(message, ref at);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    var value = ReadVarint(message, ref at);
                    if (field == RespType)
                        type = (int)value;
                    else if (field == RespSuccess)
                        success = value != 0;
                    else if (field == RespErrno)
                        errno = unchecked((int)value);
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref at);
                    if (length < 0 || at + length > message.Length)
                        throw new FormatException("a field runs past the end of the response");
                    var payload = message.Slice(at, length);
                    at += length;
                    if (field == RespErrmsg)
                        errmsg = Encoding.UTF8.GetString(payload);
                    else if (field == RespRestore)
                        pid = ReadRestorePid(payload);
                    break;
                case 5:
                    at += 4;
                    break;
                case 1:
                    at += 8;
                    break;
                default:
                    throw new FormatException($"unsupported wire type {key & 7} in the response");
            }
        }
        if (at != message.Length)
            throw new FormatException("the response ends inside a field");
        return new CriuResponse(type, success, pid, errno, errmsg);
    }

    private static int ReadRestorePid(ReadOnlySpan<byte> payload)
    {
        var at = 0;
        var pid = -1;
        while (at < payload.Length)
        {
            var key = ReadVarint(payload, ref at);
            if ((key & 7) != 0)
                throw new FormatException("unexpected field in criu_restore_resp");
            var value = ReadVarint(payload, ref at);
            if ((int)(key >> 3) == RestorePid)
                pid = unchecked((int)value);
        }
        return pid;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length)
                throw new FormatException("a varint runs past the end of the response");
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        throw new FormatException("a varint is longer than 10 bytes");
    }

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }
        output.Add((byte)value);
    }

    private static void WriteVarintField(List<byte> output, int field, ulong value)
    {
        WriteVarint(output, (ulong)field << 3);
        WriteVarint(output, value);
    }

    private static void WriteStringField(List<byte> output, int field, string value) =>
        WriteBytesField(output, field, Encoding.UTF8.GetBytes(value));

    private static void WriteBytesField(List<byte> output, int field, IReadOnlyCollection<byte> value)
    {
        WriteVarint(output, ((ulong)field << 3) | 2);
        WriteVarint(output, (ulong)value.Count);
        output.AddRange(value);
    }
}

/// <summary>A decoded <c>criu_resp</c>.</summary>
/// <param name="Type">The request type it answers (2: RESTORE).</param>
/// <param name="Success">Whether the request succeeded.</param>
/// <param name="Pid">The restored root's process id, or -1.</param>
/// <param name="Errno">CRIU's error number, or 0.</param>
/// <param name="ErrorMessage">CRIU's first error line, when it gave one.</param>
public sealed record CriuResponse(int Type, bool Success, int Pid, int Errno, string? ErrorMessage);
