namespace Fulfilment.Hosting;

/// <summary>The outcome of one queue invocation, as the trigger (Functions host or local) must act on it.</summary>
internal sealed record InvocationOutcome(bool Succeeded, string? Error)
{
    public static readonly InvocationOutcome Success = new(true, null);
}
