using Fgs.Runtime;
using Fgs.Runtime.Examples;

await FunctionRuntime.RunAsync(new SlowInitFunction()).ConfigureAwait(false);
