using System.Globalization;

namespace Fgs.Invoker.Instances;

/// <summary>Decides which user instances run as.</summary>
internal static class InstanceUsers
{
    /// <summary>FunctionGraph runs function code as uid and gid 1003.</summary>
    public const int FunctionGraphId = 1003;

    /// <summary>Parses <c>UID:GID</c>.</summary>
    public static bool TryParse(string s, out InstanceUser? user)
    {
        user = null;
        var parts = s.Split(':');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
        {
            user = new InstanceUser(uid, gid);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Resolves the <c>--instance-user</c> setting: "none" keeps the invoker's user; "UID:GID" is
    /// used as given; "auto" picks 1003:1003 when the invoker is root, the launcher can switch
    /// users, and that user can reach the data folder (every folder above it searchable by others).
    /// Returns the user (or null) and a line for the start-up log.
    /// </summary>
    public static (InstanceUser? User, string Description) Resolve(string setting, string dataDir)
    {
        if (setting == "none")
        {
            return (null, "instances run as the invoker's user (--instance-user none)");
        }
        if (Supervisor.SpawnHelperPath is null)
        {
            return (null, "instances run as the invoker's user (fgs-spawn missing, no user switch)");
        }
        if (setting != "auto")
        {
            _ = TryParse(setting, out var given);
            return (given, $"instances run as uid {given!.Uid} gid {given.Gid}");
        }
        if (Libc.GetUid() != 0)
        {
            return (null, "instances run as the invoker's user (not root, so not as uid 1003)");
        }
        for (var dir = Path.GetFullPath(dataDir); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                return (null, $"instances run as root: uid 1003 could not reach the data folder ({dir} is not searchable by others)");
            }
        }
        return (new InstanceUser(FunctionGraphId, FunctionGraphId), "instances run as uid 1003 gid 1003 (as on FunctionGraph)");
    }
}
