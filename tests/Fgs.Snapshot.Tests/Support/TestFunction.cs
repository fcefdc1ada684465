namespace Fgs.Snapshot.Tests.Support;

/// <summary>An example function with a slow initializer, in one of the snapshot runtimes.</summary>
internal sealed record TestFunction(string Name, string Bootstrap, IReadOnlyList<string> Arguments)
{
    public static TestFunction Java => new("java", RepoPaths.JavaBootstrap, ["fgs.examples.SlowInit"]);

    public static TestFunction Dotnet => new("dotnet", RepoPaths.DotnetBootstrap, []);

    public static TestFunction Named(string name) => name == "java" ? Java : Dotnet;
}
