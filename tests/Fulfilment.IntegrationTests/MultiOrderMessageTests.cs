using System.Text;
using Azure;
using Azure.Core;
using Fulfilment.Delivery;
using Fulfilment.Hosting;
using Fulfilment.Orders;
using Fulfilment.Storage;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Orders paid at the same moment share a fulfilment message; one order's failure inside such a message is its own,
/// and no order is lost or fulfilled twice.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class MultiOrderMessageTests(StorageFixture storage)
{
    [Fact]
    public async Task Concurrent_requests_share_messages_of_at_most_sixteen_orders_and_every_order_is_queued_once()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var requests = scenario.Service<FulfilmentRequests>();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => requests.RequestAsync("partner-1", $"order-{i}", default)));

        var named = new List<FulfilmentRequest>();
        var messages = 0;
        var queue = storage.Queues.GetQueueClient(scenario.Queue);
        while ((await queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } received)
        {
            foreach (var message in received)
            {
                var orders = FulfilmentRequests.ParseAll(Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())));
                Assert.NotNull(orders);
                Assert.InRange(orders.Count, 1, FulfilmentRequests.MaxOrdersPerMessage);
                named.AddRange(orders);
                messages++;
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"order-{i}").Order(), named.Select(r => r.OrderId).Order());
        Assert.InRange(messages, 3, 39); // one message per order would be 40
    }

    [Fact]
    public async Task A_message_that_could_not_be_sent_fails_every_request_it_named_and_the_next_requests_are_sent()
    {
        var refuse = new RefuseSends();
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, replaceServices: refuse.InQueuesOf(storage.ConnectionString));
        var requests = scenario.Service<FulfilmentRequests>();

        refuse.Refusing = true;
        var refused = Enumerable.Range(0, 5).Select(i => requests.RequestAsync("partner-1", $"refused-{i}", default)).ToList();
        foreach (var request in refused)
        {
            await Assert.ThrowsAsync<RequestFailedException>(() => request);
        }

        refuse.Refusing = false;
        await requests.RequestAsync("partner-1", "sent-1", default);
        var message = Assert.Single((await storage.Queues.GetQueueClient(scenario.Queue).ReceiveMessagesAsync(32)).Value);
        Assert.Equal("sent-1", FulfilmentRequests.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())))!.OrderId);
    }

    [Fact]
    public async Task A_webhook_whose_message_could_not_be_sent_is_not_answered_2xx_and_its_retry_delivers_the_order()
    {
        var refuse = new RefuseSends();
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: refuse.InQueuesOf(storage.ConnectionString));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));

        refuse.Refusing = true;
        var refused = await scenario.PayAsync(partner, sku, "order-1");
        Assert.False(refused.IsSuccessStatusCode, $"answered {refused.StatusCode} though the order was never queued");

        refuse.Refusing = false;
        var retried = await scenario.PayAsync(partner, sku, "order-1"); // the sender retries a non-2xx
        Assert.Equal(System.Net.HttpStatusCode.OK, retried.StatusCode); // the order was written before: a duplicate, queued again
        Assert.Single((await scenario.WaitForStateAsync(partner, "order-1", "delivered")).Keys);
    }

    [Fact]
    public async Task A_send_that_stalls_fails_its_requests_after_the_timeout_and_does_not_hold_up_the_next_ones()
    {
        var stall = new StallFirstSend();
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false,
            replaceServices: stall.InQueuesOf(storage.ConnectionString), settings: new() { ["FulfilmentSendTimeoutSeconds"] = "1" });
        var requests = scenario.Service<FulfilmentRequests>();

        var stalled = requests.RequestAsync("partner-1", "stalled-1", default);
        await stall.Stalling.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var after = Enumerable.Range(0, 3).Select(i => requests.RequestAsync("partner-1", $"after-{i}", default)).ToList();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => stalled.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("not sent within 1 s", failure.Message, StringComparison.Ordinal);
        await Task.WhenAll(after).WaitAsync(TimeSpan.FromSeconds(10));
        var message = Assert.Single((await storage.Queues.GetQueueClient(scenario.Queue).ReceiveMessagesAsync(32)).Value);
        Assert.Equal(["after-0", "after-1", "after-2"],
            FulfilmentRequests.ParseAll(Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())))!.Select(r => r.OrderId));
    }

    [Fact]
    public async Task An_order_that_does_not_exist_goes_alone_to_the_poison_queue_and_the_others_of_its_message_are_delivered()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        await scenario.PayAsync(partner, sku, "order-1");
        await scenario.PayAsync(partner, sku, "order-2");
        await storage.Queues.GetQueueClient(scenario.Queue).ClearMessagesAsync();
        var message = FulfilmentRequests.TextOf(
        [
            new(partner.PartnerId, "order-1"), new(partner.PartnerId, "order-missing"), new(partner.PartnerId, "order-2"),
        ]);
        await scenario.Service<QueueMessages>().SendAsync(scenario.Queue, message, default);

        await using var working = await Scenario.StartAsync(storage, queueName: scenario.Queue);
        await working.WaitForStateAsync(partner, "order-1", "delivered");
        await working.WaitForStateAsync(partner, "order-2", "delivered");
        var poisonQueue = scenario.Queue + "-poison";
        await Scenario.EventuallyAsync(async () => (await working.Ops.ListPoisonMessagesAsync(poisonQueue)).Count == 1, "the missing order poisoned");

        var poisoned = Assert.Single(await working.Ops.ListPoisonMessagesAsync(poisonQueue));
        var named = Assert.Single(FulfilmentRequests.ParseAll(poisoned.Body)!);
        Assert.Equal("order-missing", named.OrderId);
        Assert.Contains("does not exist", poisoned.Failure!.Reason, StringComparison.Ordinal);
        await working.WaitForStockAsync(sku, (0, 0, 2));
        await Scenario.EventuallyAsync(async () => (await storage.Queues.GetQueueClient(scenario.Queue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            "the message of three orders deleted");
    }

    [Fact]
    public async Task An_order_that_failed_inside_a_message_of_several_is_queued_again_alone_and_delivered_once()
    {
        var fault = new FailReadsOfOrder("order-bad", times: 1);
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false, replaceServices: fault.InTablesOf(storage.ConnectionString));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        await scenario.PayAsync(partner, sku, "order-good");
        await scenario.PayAsync(partner, sku, "order-bad");
        var queue = storage.Queues.GetQueueClient(scenario.Queue);
        await queue.ClearMessagesAsync();
        var fulfilment = scenario.Service<OrderFulfilment>();
        var named = new List<FulfilmentRequest> { new(partner.PartnerId, "order-good"), new(partner.PartnerId, "order-bad") };
        var invocation = new QueueInvocation("FulfilOrder", scenario.Queue, "message-1", FulfilmentRequests.TextOf(named), 1, null);

        fault.Armed = true;
        await fulfilment.FulfilAllAsync(named, invocation, default); // the message of two succeeds: it is deleted

        Assert.Equal(1, fault.Failed);
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "order-good"))!.State);
        Assert.Equal("paid", (await scenario.GetOrderAsync(partner, "order-bad"))!.State);
        Assert.Contains(scenario.Logs.Lines, l => l.Contains("Order order-bad", StringComparison.Ordinal) && l.Contains("tried again on its own", StringComparison.Ordinal));

        // Its own message shows up after a short delay and delivers it; running the message of two again changes nothing.
        Azure.Storage.Queues.Models.QueueMessage? alone = null;
        await Scenario.EventuallyAsync(async () => (alone = (await queue.ReceiveMessageAsync()).Value) is not null, "order-bad queued again", TimeSpan.FromSeconds(20));
        var request = Assert.Single(FulfilmentRequests.ParseAll(Encoding.UTF8.GetString(Convert.FromBase64String(alone!.Body.ToString())))!);
        Assert.Equal("order-bad", request.OrderId);
        await fulfilment.FulfilAllAsync([request], invocation with { MessageText = FulfilmentRequests.TextOf([request]) }, default);
        await fulfilment.FulfilAllAsync(named, invocation, default);

        var good = (await scenario.GetOrderAsync(partner, "order-good"))!;
        var bad = (await scenario.GetOrderAsync(partner, "order-bad"))!;
        Assert.Equal("delivered", bad.State);
        Assert.NotEqual(good.Keys.Single().Code, bad.Keys.Single().Code);
        await scenario.WaitForStockAsync(sku, (1, 0, 2));
    }

    /// <summary>Fails the first reads of one order's row with a 400, as storage answers a request it will not serve.</summary>
    private sealed class FailReadsOfOrder(string orderId, int times) : InjectedStorageFault
    {
        private readonly Lock gate = new();

        public volatile bool Armed;

        public int Failed { get; private set; }

        protected override void Inject(HttpMessage message)
        {
            if (!Armed || message.Request.Method != RequestMethod.Get
                || !Uri.UnescapeDataString(message.Request.Uri.ToString()).Contains(orderId, StringComparison.Ordinal))
            {
                return;
            }

            lock (gate)
            {
                if (Failed == times)
                {
                    return;
                }

                Failed++;
            }

            throw new RequestFailedException(400, "test: this read is refused");
        }
    }

    /// <summary>The first message sent to a queue hangs until its request is cancelled; the others go through.</summary>
    private sealed class StallFirstSend : QueuePolicy
    {
        private int sends;

        public TaskCompletionSource Stalling { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (IsSend(message) && Interlocked.Increment(ref sends) == 1)
            {
                Stalling.TrySetResult();
                await Task.Delay(Timeout.Infinite, message.CancellationToken);
            }

            await ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>A policy in the app's queue client, for tests that make sending messages misbehave.</summary>
    private abstract class QueuePolicy : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection> InQueuesOf(string connectionString)
        {
            var options = new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.None };
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(
                services, new Azure.Storage.Queues.QueueServiceClient(connectionString, options));
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        protected static bool IsSend(HttpMessage message) =>
            message.Request.Method == RequestMethod.Post && message.Request.Uri.Path.EndsWith("/messages", StringComparison.Ordinal);
    }

    /// <summary>While refusing, every message sent to a queue fails as storage refusing it would.</summary>
    private sealed class RefuseSends : QueuePolicy
    {
        public volatile bool Refusing;

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (Refusing && IsSend(message))
            {
                throw new RequestFailedException(403, "test: sending is refused");
            }

            return ProcessNextAsync(message, pipeline);
        }
    }
}
