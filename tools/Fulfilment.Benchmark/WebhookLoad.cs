using System.Diagnostics;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.Benchmark;

/// <summary>Signed payment webhooks sent by a number of concurrent senders, optionally capped at a rate.</summary>
internal static class WebhookLoad
{
    /// <summary>Sends one webhook per order index; answers when each was accepted, and how many were not.</summary>
    public static async Task<(DateTimeOffset[] AcceptedAt, int Failures)> SendAsync(
        PaymentWebhookSender sender, CreatedPartner partner, int orders, int concurrency, int? rate,
        Func<int, PaymentData> payment, CancellationToken cancellationToken)
    {
        var accepted = new DateTimeOffset[orders];
        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < orders)
            {
                if (rate is > 0 && TimeSpan.FromSeconds((double)i / rate.Value) - clock.Elapsed is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                using var response = await sender.SendAsync(partner.PartnerId, partner.WebhookSecret, payment(i), cancellationToken: cancellationToken);
                accepted[i] = DateTimeOffset.UtcNow;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, cancellationToken)));
        Console.WriteLine($"  {orders} webhooks sent in {clock.Elapsed.TotalSeconds:F2} s ({failures} not accepted)");
        return (accepted, failures);
    }

    public static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}
