using System.Runtime.InteropServices;

namespace Fgs.Invoker.Instances;

/// <summary>The few libc calls the supervisor needs.</summary>
internal static partial class Libc
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
    public const int ESRCH = 3;

    public const int O_RDONLY = 0;
    public const int O_DIRECTORY = 0x10000;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static unsafe partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Reads directory entries (struct linux_dirent64) into <paramref name="buffer"/>: bytes read, 0 at the end, -1 on error.</summary>
    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    public static unsafe partial nint GetDents64(int fd, byte* buffer, nuint count);

    /// <summary>The target of the link <paramref name="path"/> relative to directory <paramref name="dirFd"/> (not NUL-terminated): its length, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    public static unsafe partial nint ReadLinkAt(int dirFd, byte* path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    public const int FIONREAD = 0x541B;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, int request, out int value);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    public static partial int GetPgid(int pid);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chown(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial int GetUid();

    [LibraryImport("libc", EntryPoint = "getgid")]
    public static partial int GetGid();

    [LibraryImport("libc", EntryPoint = "getsid", SetLastError = true)]
    public static partial int GetSid(int pid);
}
