// The invoker supervises Linux processes (/proc, process groups, cgroups): it runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
