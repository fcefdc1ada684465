using BenchmarkDotNet.Attributes;
using Fgs.Core.Functions;
using Fgs.Core.Routing;

namespace Fgs.Bench;

/// <summary>
/// URN parsing as the front door does it per invocation, allocation-free (<see cref="FunctionUrnRanges"/>)
/// and materialising (<see cref="FunctionUrn"/>), and the catalog lookup that follows.
/// </summary>
[MemoryDiagnoser]
public class UrnBenchmarks
{
    /// <summary>The URN of the invoke benchmarks' function.</summary>
    public const string Urn = "urn:fss:cn-north-4:" + SampleRequests.ProjectId + ":function:default:echo:latest";

    private readonly FunctionCatalog _catalog = new();
    private readonly string _urn = Urn;
    private readonly string _project = SampleRequests.ProjectId;
    private readonly string _package = "default";
    private readonly string _name = "echo";

    /// <summary>Fills the catalog with the function and a few neighbours.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 16; i++)
        {
            _catalog.Set(Definition(_project, _package, "fn-" + i));
        }

        _catalog.Set(Definition(_project, _package, _name));
    }

    /// <summary>The allocation-free parse: where each part lies.</summary>
    [Benchmark]
    public bool ParseUrnSpan() => FunctionUrn.TryParse(_urn.AsSpan(), out FunctionUrnRanges _);

    /// <summary>The string parse the front door uses today: one string per part.</summary>
    [Benchmark]
    public bool ParseUrnString() => FunctionUrn.TryParse(_urn, out FunctionUrn _, out _);

    /// <summary>Catalog lookup by project, package and name.</summary>
    [Benchmark]
    public bool CatalogTryGet() => _catalog.TryGet(_project, _package, _name, out _);

    /// <summary>A minimal Custom function definition.</summary>
    public static FunctionDefinition Definition(string project, string package, string name) => new()
    {
        ProjectId = project,
        Package = package,
        Name = name,
        Runtime = "Custom",
        Handler = "bootstrap",
    };
}
