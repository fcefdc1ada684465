using BenchmarkDotNet.Running;

// Micro-benchmarks of the invoker's hot paths. Examples:
//   dotnet run -c Release --project bench/Fgs.Bench -- --filter '*' --job short
//   dotnet run -c Release --project bench/Fgs.Bench -- --filter '*HttpParser*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Fgs.Bench.HttpParserBenchmarks).Assembly).Run(args);
