namespace Fgs.Core.Instances;

/// <summary>What an instance reports back to the pool that owns it.</summary>
public interface IInstanceEvents
{
    /// <summary>An invocation delivered to <paramref name="instance"/> has completed (in any way).</summary>
    void InvocationFinished(IFunctionInstance instance);

    /// <summary>The instance's process has exited or been stopped; it takes no more work.</summary>
    void InstanceExited(IFunctionInstance instance);
}
