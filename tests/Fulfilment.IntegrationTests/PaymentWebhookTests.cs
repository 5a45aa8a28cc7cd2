using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class PaymentWebhookTests(StorageFixture storage)
{
    public static TheoryData<string> Rejections() =>
    [
        "wrong-secret", "tampered-body", "stale-timestamp", "future-timestamp", "missing-signature", "v2-only",
        "oversized-body", "malformed-json", "missing-fields", "unknown-sku", "amount-mismatch", "currency-mismatch", "unknown-partner",
    ];

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Rejected_webhook_answers_a_clear_error_and_writes_nothing(string rejection)
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        var orderId = "order-" + rejection;
        var data = new PaymentData(orderId, sku, 1, 10m, "CNY", "buyer");
        var body = PaymentWebhookSender.Body(data);
        var (partnerId, secret, timestamp, expected, code) = (partner.PartnerId, partner.WebhookSecret, DateTimeOffset.UtcNow, HttpStatusCode.Unauthorized, "");

        HttpResponseMessage response;
        switch (rejection)
        {
            case "wrong-secret": (secret, code) = ("whsec_" + Convert.ToBase64String(new byte[32]), "invalid_signature"); break;
            case "stale-timestamp": (timestamp, code) = (DateTimeOffset.UtcNow.AddMinutes(-6), "stale_timestamp"); break;
            case "future-timestamp": (timestamp, code) = (DateTimeOffset.UtcNow.AddMinutes(6), "stale_timestamp"); break;
            case "oversized-body": (body, expected, code) = (Padded(data, 64 * 1024 + 1), HttpStatusCode.RequestEntityTooLarge, "body_too_large"); break;
            case "malformed-json": (body, expected, code) = ("{\"type\": \"payment.succeeded\", "u8.ToArray(), HttpStatusCode.BadRequest, "invalid_payload"); break;
            case "missing-fields": (body, expected, code) = ("""{"type": "payment.succeeded", "data": {"orderId": "x"}}"""u8.ToArray(), HttpStatusCode.BadRequest, "invalid_payload"); break;
            case "unknown-sku": (body, expected, code) = (PaymentWebhookSender.Body(data with { Sku = "no-such-sku" }), HttpStatusCode.UnprocessableEntity, "unknown_sku"); break;
            case "amount-mismatch": (body, expected, code) = (PaymentWebhookSender.Body(data with { Amount = 9.99m }), HttpStatusCode.UnprocessableEntity, "amount_mismatch"); break;
            case "currency-mismatch": (body, expected, code) = (PaymentWebhookSender.Body(data with { Currency = "USD" }), HttpStatusCode.UnprocessableEntity, "currency_mismatch"); break;
            case "unknown-partner": (partnerId, code) = ("no-such-partner", "invalid_signature"); break; // as for a wrong secret: ids cannot be enumerated
        }

        if (rejection is "tampered-body" or "missing-signature" or "v2-only")
        {
            response = await SendTamperedAsync(scenario, partner, body, rejection);
            code = rejection == "missing-signature" ? "missing_signature_headers" : "invalid_signature";
        }
        else
        {
            response = await scenario.Webhooks.SendRawAsync(partnerId, secret, body, "msg_" + rejection, timestamp);
        }

        Assert.Equal(expected, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.RootElement.GetProperty("error").GetProperty("message").GetString()));
        await AssertNothingWrittenAsync(scenario, partner.PartnerId, orderId);
    }

    [Fact]
    public async Task Every_active_secret_verifies_during_rotation()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
        var added = await ops.PostAsync($"api/ops/partners/{partner.PartnerId}/webhook-secrets", null);
        var newSecret = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("webhookSecret").GetString()!;

        var withOld = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("old", sku, 1, 10m, "CNY", "b"));
        var withNew = await scenario.Webhooks.SendAsync(partner.PartnerId, newSecret, new PaymentData("new", sku, 1, 10m, "CNY", "b"));

        Assert.Equal(HttpStatusCode.Created, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withNew.StatusCode);
    }

    [Fact]
    public async Task Same_order_id_with_different_content_is_a_conflict_not_an_overwrite()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        Assert.Equal(HttpStatusCode.Created, (await scenario.PayAsync(partner, sku, "order-1", quantity: 1)).StatusCode);

        var conflicting = await scenario.PayAsync(partner, sku, "order-1", quantity: 2);

        Assert.Equal(HttpStatusCode.Conflict, conflicting.StatusCode);
        Assert.Contains("order_conflict", await conflicting.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var order = await scenario.GetOrderAsync(partner, "order-1");
        Assert.Equal(1, order!.Quantity);
        Assert.Equal(1, await CountMessagesAsync(scenario));
    }

    [Fact]
    public async Task Webhook_that_fails_before_queueing_answers_5xx_and_its_retry_is_fulfilled_once()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        var queue = storage.Queues.GetQueueClient(scenario.Queue);
        await queue.DeleteAsync();

        var failed = await scenario.PayAsync(partner, sku, "order-1", webhookId: "msg_1");

        Assert.True((int)failed.StatusCode >= 500, $"expected 5xx, got {(int)failed.StatusCode}");
        Assert.Equal("internal_error", JsonDocument.Parse(await failed.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());

        await Scenario.EventuallyAsync(async () =>
        {
            try
            {
                await queue.CreateAsync();
                return true;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 409)
            {
                return false; // Azurite is still deleting the queue
            }
        }, "queue re-created");
        var retried = await scenario.PayAsync(partner, sku, "order-1", webhookId: "msg_1");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1, await CountMessagesAsync(scenario));
    }

    private static byte[] Padded(PaymentData data, int size)
    {
        var json = Encoding.UTF8.GetString(PaymentWebhookSender.Body(data));
        return Encoding.UTF8.GetBytes(json[..^1] + ",\"padding\":\"" + new string('x', size) + "\"}");
    }

    private static async Task<HttpResponseMessage> SendTamperedAsync(Scenario scenario, CreatedPartner partner, byte[] body, string rejection)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Webhooks.StandardWebhook.SignatureHeaderValue(partner.WebhookSecret, "msg_t", timestamp, body);
        var sent = rejection == "tampered-body" ? body.Concat(" "u8.ToArray()).ToArray() : body;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/{partner.PartnerId}/payments") { Content = new ByteArrayContent(sent) };
        request.Headers.Add("webhook-id", "msg_t");
        request.Headers.Add("webhook-timestamp", timestamp);
        if (rejection != "missing-signature")
        {
            request.Headers.Add("webhook-signature", rejection == "v2-only" ? signature.Replace("v1,", "v2,", StringComparison.Ordinal) : signature);
        }

        return await scenario.Http.SendAsync(request);
    }

    private async Task AssertNothingWrittenAsync(Scenario scenario, string partnerId, string orderId)
    {
        var orders = storage.Tables.GetTableClient("Orders");
        Assert.False((await orders.GetEntityIfExistsAsync<TableEntity>($"{partnerId}|{orderId}", "order")).HasValue);
        Assert.Equal(0, await CountMessagesAsync(scenario));
    }

    private async Task<int> CountMessagesAsync(Scenario scenario) =>
        (await storage.Queues.GetQueueClient(scenario.Queue).PeekMessagesAsync(32)).Value.Length;
}
