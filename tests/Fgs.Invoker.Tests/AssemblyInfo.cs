// The invoker runs on Linux only; so do its tests and benchmarks.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
