namespace Fgs.Core.Metrics;

/// <summary>How an invocation counts in the function metrics of FunctionGraph.</summary>
public enum InvocationOutcome
{
    /// <summary>The function answered.</summary>
    Success,
    /// <summary>The function's code failed (it posted an error, timed out, crashed, ran out of memory): <c>functionErrorCount</c>.</summary>
    FunctionError,
    /// <summary>The platform failed (could not load or start the code, shutting down): <c>systemErrorCount</c>.</summary>
    SystemError,
    /// <summary>Rejected for capacity (429): <c>rejectcount</c>.</summary>
    Rejected,
}
