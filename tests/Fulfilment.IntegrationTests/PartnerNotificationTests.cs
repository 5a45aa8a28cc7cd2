using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Fulfilment.Orders;
using Fulfilment.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class PartnerNotificationTests(StorageFixture storage)
{
    [Fact]
    public async Task Delivered_order_is_notified_signed_with_the_partners_secret_and_without_key_material()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 0);
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync(receiver.Url);
        var keys = Scenario.NewCardKeys(1);
        var sku = await scenario.NewCardKeySkuAsync(keys: keys);

        await scenario.PayAsync(partner, sku, "order-1");

        await Scenario.EventuallyAsync(() => Task.FromResult(!receiver.Received.IsEmpty), "a notification arrives");
        var (headers, body) = receiver.Received.Single();
        Assert.Equal(SignatureFailure.None, StandardWebhook.Verify([partner.CallbackSecret!], headers["webhook-id"], headers["webhook-timestamp"],
            headers["webhook-signature"], Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

        // One secret per direction: the partner's webhook secret does not verify our callback, and the callback,
        // replayed to our webhook as it is, verifies nothing there.
        Assert.NotEqual(SignatureFailure.None, StandardWebhook.Verify([partner.WebhookSecret], headers["webhook-id"], headers["webhook-timestamp"],
            headers["webhook-signature"], Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        using var replay = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/{partner.PartnerId}/payments") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
        {
            replay.Headers.Add(name, headers[name]);
        }

        var replayed = await scenario.Http.SendAsync(replay);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains("invalid_signature", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("order.delivered", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("order-1", json.RootElement.GetProperty("data").GetProperty("orderId").GetString());
        Assert.DoesNotContain(keys[0], body, StringComparison.Ordinal);
        await Scenario.EventuallyAsync(async () =>
            (await scenario.Service<OrderBook>().GetAsync(partner.PartnerId, "order-1", default))!.NotificationStatus == "sent", "notification recorded as sent");
    }

    [Fact]
    public async Task Failed_notification_is_retried_with_the_same_webhook_id_until_the_partner_accepts_it()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 2);
        await using var scenario = await Scenario.StartAsync(storage, settings: new() { ["Notifications:FirstDelaySeconds"] = "0.1" });
        var partner = await scenario.NewPartnerAsync(receiver.Url);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));

        await scenario.PayAsync(partner, sku, "order-1");

        await Scenario.EventuallyAsync(async () =>
            (await scenario.Service<OrderBook>().GetAsync(partner.PartnerId, "order-1", default))!.NotificationStatus == "sent", "notification sent");
        Assert.Equal(3, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Headers["webhook-id"]).Distinct());
        var order = (await scenario.Service<OrderBook>().GetAsync(partner.PartnerId, "order-1", default))!;
        Assert.Equal(3, order.NotificationAttempts);
    }

    [Fact]
    public async Task Notification_goes_to_the_poison_queue_after_the_last_attempt_with_its_reason_for_ops()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: int.MaxValue);
        await using var scenario = await Scenario.StartAsync(storage, settings: new()
        {
            ["Notifications:FirstDelaySeconds"] = "0.1",
            ["Notifications:MaxAttempts"] = "3",
        });
        var partner = await scenario.NewPartnerAsync(receiver.Url);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));

        await scenario.PayAsync(partner, sku, "order-1");

        await Scenario.EventuallyAsync(async () =>
            (await scenario.Service<OrderBook>().GetAsync(partner.PartnerId, "order-1", default))!.NotificationStatus == "dead-lettered", "notification dead-lettered");
        Assert.Equal(3, receiver.Received.Count);
        var dead = Assert.Single(await scenario.Ops.ListPoisonMessagesAsync(scenario.Queue + "-notify-poison"));
        Assert.Contains("order-1", dead.Body, StringComparison.Ordinal);
        Assert.Equal(scenario.Queue + "-notify", dead.OriginalQueue);
        Assert.Contains("HTTP 500", dead.Failure!.Reason, StringComparison.Ordinal);
        Assert.Equal(3, dead.Failure.Attempts);
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "order-1"))!.State);
    }
}
