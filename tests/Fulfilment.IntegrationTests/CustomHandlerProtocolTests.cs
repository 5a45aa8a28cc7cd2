using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fulfilment.IntegrationTests;

/// <summary>The app answers the Functions host's custom-handler invocations as the host expects.</summary>
[Collection(StorageCollection.Name)]
public sealed class CustomHandlerProtocolTests(StorageFixture storage)
{
    [Fact]
    public async Task Queue_invocation_from_the_Functions_host_fulfils_the_order_and_answers_outputs_logs_and_return_value()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        await scenario.PayAsync(partner, sku, "order-1");

        var response = await InvokeAsync(scenario, JsonValue.Create($$"""{"partnerId":"{{partner.PartnerId}}","orderId":"order-1"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(answer!.ContainsKey("Outputs") && answer.ContainsKey("Logs") && answer.ContainsKey("ReturnValue"));
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "order-1"))!.State);
    }

    [Fact]
    public async Task Under_the_Functions_host_the_app_listens_on_its_port_and_leaves_queue_triggers_to_the_host()
    {
        var port = Local.Azurite.FreePort();
        var queue = "fulfil-" + Guid.NewGuid().ToString("N")[..12];
        await using var app = await Local.LocalApp.StartAsync(
            storage.ConnectionString,
            new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = $"{port}", ["OrderFulfilmentQueue"] = queue },
            port: port);
        var ops = new Local.OpsClient(app.CreateClient(Local.LocalApp.OpsKey));
        var partner = await ops.CreatePartnerAsync("p-" + Guid.NewGuid().ToString("N")[..10], "Shop");
        await ops.SaveSkuAsync("sku-host-mode", "Card", "card-key", 10m, "CNY");
        using var http = app.CreateClient();

        var paid = await new Local.PaymentWebhookSender(http).SendAsync(partner.PartnerId, partner.WebhookSecret, new Contract.PaymentData("o1", "sku-host-mode", 1, 10m, "CNY", "b"));

        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a local trigger host, if one ran, would take the message within this
        Assert.Single((await storage.Queues.GetQueueClient(queue).PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Garbage_message_is_acknowledged_after_going_to_the_poison_queue()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);

        var response = await InvokeAsync(scenario, JsonValue.Create("this is not an order"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var poisoned = (await storage.Queues.GetQueueClient(scenario.Queue + "-poison").PeekMessagesAsync()).Value;
        Assert.Single(poisoned);
    }

    [Fact]
    public async Task Failing_invocation_answers_non_2xx_so_the_host_retries()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        // An order row the app cannot read: every attempt fails with an exception that is not a poison verdict.
        var orderId = "broken-" + Guid.NewGuid().ToString("N")[..8];
        await storage.Tables.GetTableClient("Orders").AddEntityAsync(new Azure.Data.Tables.TableEntity($"p1|{orderId}", "order") { ["Amount"] = "not a number" });

        var response = await InvokeAsync(scenario, JsonValue.Create($$"""{"partnerId":"p1","orderId":"{{orderId}}"}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains("failed", answer!["Logs"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invocation_without_its_trigger_data_is_a_400_with_a_JSON_answer()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);

        var response = await scenario.Http.PostAsync("FulfilOrder", JsonContent.Create(new { Data = new { }, Metadata = new { } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Data.request", (await response.Content.ReadFromJsonAsync<JsonObject>())!["Logs"]!.ToJsonString(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> InvokeAsync(Scenario scenario, JsonNode message)
    {
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { ["request"] = message },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = 1,
                ["Id"] = Guid.NewGuid().ToString(),
                ["InsertionTime"] = DateTimeOffset.UtcNow.ToString("O"),
                ["ExpirationTime"] = DateTimeOffset.UtcNow.AddDays(7).ToString("O"),
                ["NextVisibleTime"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O"),
                ["PopReceipt"] = "AgAAAAMAAAAAAAAA",
                ["sys"] = new JsonObject { ["MethodName"] = "FulfilOrder", ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O") },
            },
        };
        return scenario.Http.PostAsync("FulfilOrder", new StringContent(payload.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
    }
}
