using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fulfilment.Hosting;
using Fulfilment.Orders;
using Fulfilment.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fulfilment.IntegrationTests;

/// <summary>Partners' callback endpoints that answer anything: memory stays flat, nothing reaches loopback, others go on.</summary>
[Collection(StorageCollection.Name)]
public sealed class HostilePartnerTests(StorageFixture storage)
{
    [Fact]
    public async Task Huge_bodies_redirects_and_silence_cost_bounded_memory_and_other_partners_are_still_notified()
    {
        await using var hostile = await HostileEndpoints.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 0);
        await using var scenario = await Scenario.StartAsync(storage, settings: new()
        {
            ["Notifications:TimeoutSeconds"] = "2",
            ["Notifications:MaxAttempts"] = "3",
            ["Notifications:FirstDelaySeconds"] = "0.1",
            ["Notifications:MaxDelaySeconds"] = "0.2",
        });
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(12));
        var huge = await scenario.NewPartnerAsync(new Uri(hostile.Url, "huge"));
        var redirecting = await scenario.NewPartnerAsync(new Uri(hostile.Url, "redirect"));
        var silent = await scenario.NewPartnerAsync(new Uri(hostile.Url, "silent"));
        var honest = await scenario.NewPartnerAsync(receiver.Url);
        var before = WorkingSet();

        foreach (var partner in new[] { huge, redirecting, silent, honest })
        {
            for (var i = 0; i < 3; i++)
            {
                await scenario.PayAsync(partner, sku, $"order-{i}");
            }
        }

        await Scenario.EventuallyAsync(() => Task.FromResult(receiver.Received.Count >= 3), "the honest partner's three notifications", TimeSpan.FromSeconds(60));
        var orders = scenario.Service<OrderBook>();
        foreach (var (partner, expected) in new[] { (huge, "sent"), (redirecting, "dead-lettered"), (silent, "dead-lettered") })
        {
            for (var i = 0; i < 3; i++)
            {
                // A 2xx is an answer whatever body follows it (never read); a redirect or silence is not.
                var orderId = $"order-{i}";
                await Scenario.EventuallyAsync(async () => (await orders.GetAsync(partner.PartnerId, orderId, default))!.NotificationStatus == expected,
                    $"{partner.PartnerId}'s {orderId} notification {expected}", TimeSpan.FromSeconds(90));
            }
        }

        Assert.Contains("redirects are not followed", (await orders.GetAsync(redirecting.PartnerId, "order-0", default))!.NotificationError, StringComparison.Ordinal);
        Assert.Equal(0, hostile.RedirectTargetHits);
        Assert.True(hostile.HugeBodiesStarted > 0, "the huge answers were sent");
        var grown = WorkingSet() - before;
        Assert.True(grown < 50 * 1024 * 1024, $"working set grew by {grown / (1024 * 1024)} MB");
    }

    [Fact]
    public async Task Without_private_networks_a_callback_naming_loopback_is_refused_at_connect_time()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        });
        await using var scenario = await Scenario.StartAsync(storage, settings: new()
        {
            ["Egress:AllowPrivateNetworks"] = "false",
            ["Notifications:MaxAttempts"] = "1",
        });
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        // A name that resolves to 127.0.0.1: checked on the address, not the spelling.
        var partner = await scenario.NewPartnerAsync(new Uri($"https://localhost:{port}/callbacks"));

        await scenario.PayAsync(partner, sku, "order-1");

        var orders = scenario.Service<OrderBook>();
        await Scenario.EventuallyAsync(async () => (await orders.GetAsync(partner.PartnerId, "order-1", default))!.NotificationStatus == "dead-lettered",
            "the notification given up");
        Assert.Contains("not a public address", (await orders.GetAsync(partner.PartnerId, "order-1", default))!.NotificationError, StringComparison.Ordinal);
        Assert.Equal(0, connections);
        listener.Stop();
    }

    [Fact]
    public async Task A_forged_invocation_claiming_delivered_signs_nothing()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 0);
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync(receiver.Url);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        await scenario.PayAsync(partner, sku, "order-1"); // paid, not delivered

        var outcome = await scenario.Service<QueueFunctionInvoker>().InvokeAsync(
            new QueueInvocation("NotifyPartner", scenario.Queue + "-notify", "forged-1",
                $$"""{"partnerId":"{{partner.PartnerId}}","orderId":"order-1","state":"delivered","attempt":1}""", 1, DateTimeOffset.UtcNow),
            default);

        Assert.True(outcome.Succeeded); // handled: poisoned with its reason, not retried
        Assert.Empty(receiver.Received);
        var poisoned = Assert.Single(await scenario.Ops.ListPoisonMessagesAsync(scenario.Queue + "-notify-poison"));
        Assert.Contains("but it is paid", poisoned.Failure!.Reason, StringComparison.Ordinal);
    }

    private static long WorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>A partner's endpoints gone bad: a 1.5 GB answer, a redirect to a loopback service, and no answer at all.</summary>
    private sealed class HostileEndpoints : IAsyncDisposable
    {
        private readonly WebApplication app;
        private int redirectTargetHits;
        private int hugeBodiesStarted;

        private HostileEndpoints(WebApplication app) => this.app = app;

        public Uri Url { get; private set; } = null!;

        public int RedirectTargetHits => Volatile.Read(ref redirectTargetHits);

        public int HugeBodiesStarted => Volatile.Read(ref hugeBodiesStarted);

        public static async Task<HostileEndpoints> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var endpoints = new HostileEndpoints(app);
            app.MapPost("/huge", async (HttpContext context) =>
            {
                Interlocked.Increment(ref endpoints.hugeBodiesStarted);
                context.Response.ContentLength = 1_500_000_000;
                var chunk = new byte[64 * 1024];
                try
                {
                    for (long sent = 0; sent < 1_500_000_000; sent += chunk.Length)
                    {
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    // The caller stopped reading: as it should.
                }
            });
            app.MapPost("/redirect", () => Results.Redirect("/target", permanent: false, preserveMethod: true));
            app.MapPost("/target", () =>
            {
                Interlocked.Increment(ref endpoints.redirectTargetHits);
                return Results.NoContent();
            });
            app.MapPost("/silent", async (HttpContext context) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            });
            await app.StartAsync();
            endpoints.Url = new Uri(app.Urls.First() + "/");
            return endpoints;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
