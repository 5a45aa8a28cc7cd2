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
    public void Delay_is_never_shorter_than_a_Retry_After() =>
        Assert.True(RetryDelay.Exponential(0.1, 1, 0, atLeast: TimeSpan.FromSeconds(5)) >= TimeSpan.FromSeconds(5));
}
