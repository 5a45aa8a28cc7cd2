namespace Fulfilment.IntegrationTests;

/// <summary>The real clock moved by an offset a test can change: time passes for the app without the test sleeping.</summary>
internal sealed class ShiftedClock(TimeSpan offset = default) : TimeProvider
{
    public TimeSpan Offset { get; set; } = offset;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
