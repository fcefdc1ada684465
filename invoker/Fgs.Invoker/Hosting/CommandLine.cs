using System.Globalization;
using System.Net;

namespace Fgs.Invoker.Hosting;

/// <summary>Parses the invoker's command line. Stable contract:
/// <c>serve --listen HOST:PORT --data DIR [--access-key AK --secret-key SK] ...</c>.</summary>
internal static class CommandLine
{
    public const string Usage = """
        fgs-invoker: a FunctionGraph-compatible serverless data plane.

        Usage:
          fgs-invoker serve [options]     run in the foreground until SIGTERM or Ctrl-C
          fgs-invoker version             print the version
          fgs-invoker help                this text

        serve options:
          --listen HOST:PORT      front door address (default 127.0.0.1:8080). Without access keys
                                  only loopback addresses are allowed.
          --data DIR              embedded store folder (default .data)
          --access-key AK         require SDK-HMAC-SHA256 signed requests with this access key ...
          --secret-key SK         ... and this secret key (also FGS_ACCESS_KEY / FGS_SECRET_KEY)
          --region NAME           region used in function URNs (default cn-north-4)
          --keep-alive SECONDS    idle on-demand instances are reclaimed after this (default 120)
          --shutdown-timeout SEC  graceful stop waits this long for in-flight invocations (default 30)
          --demo-dir DIR          preload the demo functions found in DIR (one folder each)
          --demo-project ID       project id of the demo functions (default demo)
          --max-instances-per-tenant N  instances of one project across its functions (default 1000)
          --max-node-instances N  instances on this node across all projects (default 2000)
          --instance-user USER    auto (uid/gid 1003 when run as root, as on FunctionGraph), none
                                  (the invoker's own user) or UID:GID (default auto)
          --no-cgroups            do not put instances in cgroups (no memory limit, CPU share or
                                  freezer; idle mode then pauses with SIGSTOP)
          --idle-freeze-after SEC a reserved instance in idle mode is paused after this long
                                  without work (default 1)
          --nice N                scheduling priority of the invoker (default -5, as root);
                                  instances always run at 0
          --prestart-launchers N  instance launchers kept started ahead of cold starts (default
                                  2, 0 to start each one when needed)
        """;

    /// <summary>Parses <c>serve</c> options. Returns null and an error on bad input.</summary>
    public static InvokerOptions? ParseServe(IReadOnlyList<string> args, Func<string, string?> env, out string? error)
    {
        var o = new InvokerOptions();
        string? ak = env("FGS_ACCESS_KEY"), sk = env("FGS_SECRET_KEY");
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next()
            {
                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{a} needs a value");
                }
                return args[++i];
            }
            try
            {
                switch (a)
                {
                    case "--listen":
                        o.Listen = ParseEndpoint(Next());
                        break;
                    case "--data":
                        o.DataDir = Next();
                        break;
                    case "--access-key":
                        ak = Next();
                        break;
                    case "--secret-key":
                        sk = Next();
                        break;
                    case "--region":
                        o.Region = Next();
                        break;
                    case "--keep-alive":
                        o.KeepAlive = TimeSpan.FromSeconds(ParsePositive(Next(), a));
                        break;
                    case "--shutdown-timeout":
                        o.ShutdownTimeout = TimeSpan.FromSeconds(ParsePositive(Next(), a));
                        break;
                    case "--demo-dir":
                        o.DemoDir = Next();
                        break;
                    case "--demo-project":
                        o.DemoProjectId = Next();
                        break;
                    case "--max-instances-per-tenant":
                        o.MaxInstancesPerTenant = ParseCount(Next(), a);
                        break;
                    case "--max-node-instances":
                        o.MaxInstancesTotal = ParseCount(Next(), a);
                        break;
                    case "--idle-freeze-after":
                        o.IdleFreezeAfter = TimeSpan.FromSeconds(ParsePositive(Next(), a));
                        break;
                    case "--instance-user":
                        o.InstanceUser = ParseUser(Next());
                        break;
                    case "--nice":
                        o.Nice = int.TryParse(Next(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nice) && nice is >= -20 and <= 19
                            ? nice
                            : throw new FormatException("--nice needs a whole number from -20 to 19");
                        break;
                    case "--prestart-launchers":
                        o.PrestartLaunchers = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var launchers) && launchers <= 64
                            ? launchers
                            : throw new FormatException("--prestart-launchers needs a whole number from 0 to 64");
                        break;
                    case "--no-cgroups":
                        o.UseCgroups = false;
                        break;
                    default:
                        throw new FormatException($"unknown option '{a}'");
                }
            }
            catch (FormatException e)
            {
                error = e.Message;
                return null;
            }
        }
        if ((ak is null) != (sk is null))
        {
            error = "--access-key and --secret-key go together";
            return null;
        }
        if (ak is not null && sk is not null)
        {
            if (ak.Length == 0 || sk.Length == 0)
            {
                error = "access and secret keys must not be empty";
                return null;
            }
            o.AccessKeys[ak] = sk;
        }
        if (o.AccessKeys.Count == 0 && !o.IsLoopbackOnly)
        {
            error = $"refusing to listen on {o.Listen} without access keys: configure --access-key/--secret-key or listen on a loopback address";
            return null;
        }
        return o;
    }

    private static double ParsePositive(string s, string option)
    {
        if (!double.TryParse(s.EndsWith('s') ? s[..^1] : s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v <= 0 || double.IsInfinity(v))
        {
            throw new FormatException($"{option} needs a positive number of seconds, not '{s}'");
        }
        return v;
    }

    private static int ParseCount(string s, string option)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
        {
            throw new FormatException($"{option} needs a whole number of at least 1, not '{s}'");
        }
        return v;
    }

    private static string ParseUser(string s)
    {
        if (s is "auto" or "none" || Instances.InstanceUsers.TryParse(s, out _))
        {
            return s;
        }
        throw new FormatException($"--instance-user needs auto, none or UID:GID, not '{s}'");
    }

    private static IPEndPoint ParseEndpoint(string s)
    {
        if (s.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            s = "127.0.0.1:" + s["localhost:".Length..];
        }
        if (!IPEndPoint.TryParse(s, out var ep) || ep.Port == 0 && !s.EndsWith(":0", StringComparison.Ordinal))
        {
            throw new FormatException($"--listen needs HOST:PORT with a numeric address, not '{s}'");
        }
        return ep;
    }
}
