using Fulfilment.Storage;

namespace Fulfilment.Tests;

public sealed class RetryDelayTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(3, 8.0)]
    [InlineData(10, 60.0)] // capped
    public void Delay_doubles_per_attempt_up_to_the_cap_with_half_either_way_of_jitter(int attempt, double centreSeconds)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => RetryDelay.Exponential(1, 60, attempt).TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, centreSeconds * 0.5, centreSeconds * 1.5));
        Assert.True(delays.Distinct().Count() > 1, "jittered");
    }

    [Fact]
    public void Delay_is_never_shorter_than_a_Retry_After_within_the_cap() =>
        Assert.True(RetryDelay.Exponential(0.1, 10, 0, atLeast: TimeSpan.FromSeconds(5)) >= TimeSpan.FromSeconds(5));

    [Theory]
    [InlineData(999_999_999.0)] // a supplier's absurd Retry-After
    [InlineData(-3600.0)] // a Retry-After date in the past
    public void A_peers_hint_never_takes_the_delay_outside_zero_to_the_cap(double hintSeconds)
    {
        var delay = RetryDelay.Exponential(0.1, 300, 0, atLeast: TimeSpan.FromSeconds(hintSeconds));
        Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromSeconds(300));
    }

    [Fact]
    public void The_cap_itself_never_exceeds_what_a_queue_can_delay() =>
        Assert.True(RetryDelay.Exponential(1e9, 1e12, 30) <= RetryDelay.QueueMaximum);
}
