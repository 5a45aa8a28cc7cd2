using System.Text;
using Fulfilment.Contract;
using Fulfilment.Local;
using Fulfilment.SupplierSimulator;

namespace Fulfilment.IntegrationTests;

/// <summary>Redemptions on one third-party platform (simulated): retried with back-off, given up with their history.</summary>
[Collection(StorageCollection.Name)]
public sealed class RedemptionTests(StorageFixture storage)
{
    private const string PlatformKey = "test-platform-key";

    [Fact]
    public async Task Redemption_is_made_once_despite_refusals_and_unknown_outcomes()
    {
        await using var platform = await GenericRestSimulator.StartAsync(PlatformKey, seed: 3);
        platform.Faults = new SupplierFaults { RateLimited = 0.3, RetryAfterSeconds = 1, ServerErrorAfterCrediting = 0.3, PendingThenFailed = 0.3, PendingMilliseconds = 200 };
        var (scenario, retries) = await StartAsync(platform, maxAttempts: 20);
        await using var _ = scenario;
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewRedemptionSkuAsync(scenario);

        var orderIds = Enumerable.Range(0, 6).Select(i => $"redeem-{i}").ToList();
        foreach (var orderId in orderIds)
        {
            await PayAsync(scenario, partner, sku, orderId, "player-42");
        }

        var orders = await WaitForStatesAsync(scenario, partner, orderIds, "delivered");
        TopUpTests.AssertLedgersAgree(orders, platform);
        Assert.Empty((await storage.Queues.GetQueueClient(retries + "-poison").PeekMessagesAsync()).Value);
    }

    [Fact]
    public async Task Redemption_that_keeps_failing_is_given_up_after_the_maximum_attempts_with_its_history_in_the_poison_queue()
    {
        await using var platform = await GenericRestSimulator.StartAsync(PlatformKey);
        platform.Faults = new SupplierFaults { PendingThenFailed = 1, PendingMilliseconds = 50 };
        var (scenario, retries) = await StartAsync(platform, maxAttempts: 3);
        await using var _ = scenario;
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewRedemptionSkuAsync(scenario);

        await PayAsync(scenario, partner, sku, "hopeless-1", "player-7");
        var order = (await WaitForStatesAsync(scenario, partner, ["hopeless-1"], "failed")).Single();

        Assert.Equal("not_fulfilled", order.ReasonCode);
        Assert.Contains("after 3 attempts", (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "hopeless-1")).Order.StateReason, StringComparison.Ordinal);
        Assert.Equal(3, platform.Ledger.All().Count);
        Assert.Empty(platform.Ledger.Credited());
        // The order is failed first, then its history goes to the poison queue.
        Azure.Storage.Queues.Models.PeekedMessage[] peeked = [];
        await Scenario.EventuallyAsync(async () => (peeked = (await storage.Queues.GetQueueClient(retries + "-poison").PeekMessagesAsync()).Value).Length > 0, "the history in the poison queue");
        var poisoned = Assert.Single(peeked);
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(poisoned.Body.ToString()));
        Assert.Contains("hopeless-1", body, StringComparison.Ordinal);
        Assert.Contains("\"history\"", body, StringComparison.Ordinal);
        var listed = Assert.Single(await scenario.Ops.ListPoisonMessagesAsync(retries + "-poison"));
        Assert.Contains("did not redeem after 3 attempts", listed.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_never_sent_or_refused_unheard_use_up_no_attempts()
    {
        await using var platform = await GenericRestSimulator.StartAsync(PlatformKey);
        platform.Faults = new SupplierFaults { RateLimited = 1, RetryAfterSeconds = 0 };
        var (scenario, retries) = await StartAsync(platform, maxAttempts: 2);
        await using var _ = scenario;
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewRedemptionSkuAsync(scenario);

        await PayAsync(scenario, partner, sku, "throttled-1", "player-9");
        await Scenario.EventuallyAsync(() => Task.FromResult(platform.Submits >= 4), "four refused submits (twice the maximum attempts)");
        Assert.NotEqual("failed", (await scenario.GetOrderAsync(partner, "throttled-1"))!.State);
        platform.Faults = SupplierFaults.None;

        var order = (await WaitForStatesAsync(scenario, partner, ["throttled-1"], "delivered")).Single();
        TopUpTests.AssertLedgersAgree([order], platform);
        Assert.Empty((await storage.Queues.GetQueueClient(retries + "-poison").PeekMessagesAsync()).Value);
    }

    [Fact]
    public async Task Permanent_rejection_fails_the_redemption_at_once()
    {
        await using var platform = await GenericRestSimulator.StartAsync(PlatformKey);
        var (scenario, _) = await StartAsync(platform, maxAttempts: 5);
        await using var __ = scenario;
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewRedemptionSkuAsync(scenario);

        await PayAsync(scenario, partner, sku, "bad-account", "000-unknown");
        var order = (await WaitForStatesAsync(scenario, partner, ["bad-account"], "failed")).Single();

        Assert.Equal("account_rejected", order.ReasonCode);
        Assert.Contains("invalid_account", (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "bad-account")).Order.StateReason, StringComparison.Ordinal);
        Assert.Equal(1, platform.Submits);
        Assert.Empty(platform.Ledger.All());
    }

    private async Task<(Scenario Scenario, string RetryQueue)> StartAsync(GenericRestSimulator platform, int maxAttempts)
    {
        var retries = "retries-" + Guid.NewGuid().ToString("N")[..12];
        var scenario = await Scenario.StartAsync(storage, settings: new()
        {
            ["Suppliers:platform:BaseUrl"] = platform.BaseAddress.ToString(),
            ["Suppliers:platform:ApiKey"] = PlatformKey,
            ["Suppliers:platform:AttemptTimeoutSeconds"] = "1",
            ["RedemptionRetryQueue"] = retries,
            ["SupplierDelivery:ReconcileFirstDelaySeconds"] = "0.1",
            ["SupplierDelivery:ReconcileMaxDelaySeconds"] = "0.5",
            ["SupplierDelivery:RedemptionMaxAttempts"] = $"{maxAttempts}",
        });
        return (scenario, retries);
    }

    private static async Task<string> NewRedemptionSkuAsync(Scenario scenario)
    {
        var sku = "redeem-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Game voucher", "redemption", 20m, "CNY", suppliers: ["platform"], productCode: "voucher-20");
        return sku;
    }

    private static Task<HttpResponseMessage> PayAsync(Scenario scenario, CreatedPartner partner, string sku, string orderId, string account) =>
        scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData(orderId, sku, 1, 20m, "CNY", "buyer-" + orderId, account));

    private static async Task<List<PartnerOrder>> WaitForStatesAsync(Scenario scenario, CreatedPartner partner, IReadOnlyList<string> orderIds, string state)
    {
        List<PartnerOrder> orders = [];
        await Scenario.EventuallyAsync(async () =>
        {
            orders = (await Task.WhenAll(orderIds.Select(id => scenario.GetOrderAsync(partner, id)))).Select(o => o!).ToList();
            return orders.All(o => o.State == state);
        }, $"every order {state}", TimeSpan.FromSeconds(60));
        return orders;
    }
}
