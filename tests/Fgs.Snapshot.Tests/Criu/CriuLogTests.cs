using Fgs.Snapshot.Criu;

namespace Fgs.Snapshot.Tests.Criu;

public sealed class CriuLogTests
{
    private const string Log = """
        (00.036399) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
        (00.050000) Dumping opened files (pid: 14821)
        (00.051000) Error (criu/sockets.c:520): sockets: Can't get 1:16 opt: Operation not supported
        (00.052000) Error (criu/cr-dump.c:1700): Dumping FAILED.
        """;

    [Fact]
    public void Errors_are_the_error_lines_without_location_or_benign_ones()
    {
        var errors = CriuLog.Errors(Log);
        Assert.Equal(["sockets: Can't get 1:16 opt: Operation not supported", "Dumping FAILED."], errors);
    }

    [Fact]
    public void Describe_prefers_the_log_then_the_command_output()
    {
        Assert.Equal("criu dump failed (exit 1): sockets: Can't get 1:16 opt: Operation not supported; Dumping FAILED.",
            CriuLog.Describe("dump", 1, Log, "ignored"));
        Assert.Equal("criu restore failed (exit 1): Can't fstat inherit fd 11: Bad file descriptor",
            CriuLog.Describe("restore", 1, null, "Error (criu/files.c:1598): Can't fstat inherit fd 11: Bad file descriptor\n"));
        Assert.Equal("criu check failed (exit 2): no such option", CriuLog.Describe("check", 2, "", "no such option\n"));
    }
}
