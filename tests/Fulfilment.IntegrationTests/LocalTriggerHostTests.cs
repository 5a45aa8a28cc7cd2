using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Azure.Data.Tables;
using Fulfilment.Hosting;
using Fulfilment.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fulfilment.IntegrationTests;

/// <summary>The local trigger host's queue semantics, driven with a scripted function against Azurite.</summary>
[Collection(StorageCollection.Name)]
public sealed class LocalTriggerHostTests(StorageFixture storage)
{
    private static readonly QueueExtensionSettings Settings = new()
    {
        BatchSize = 4,
        NewBatchThreshold = 2,
        MaxDequeueCount = 3,
        VisibilityTimeout = TimeSpan.Zero,
        MaxPollingInterval = TimeSpan.FromMilliseconds(200),
        MessageEncoding = "base64",
    };

    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task Success_deletes_failure_retries_exhausted_and_garbage_messages_go_to_poison_without_stopping_others()
    {
        var queueName = "trigger-" + Guid.NewGuid().ToString("N")[..12];
        var queue = storage.Queues.GetQueueClient(queueName);
        var poison = storage.Queues.GetQueueClient(queueName + "-poison");
        await queue.CreateAsync();
        var failures = new QueueFailureLog(storage.Tables, Meters, TimeProvider.System);
        await storage.Tables.GetTableClient(TableNames.QueueFailures).CreateIfNotExistsAsync();
        var messages = new QueueMessages(storage.Queues, Settings, failures);
        var function = new ScriptedFunction();
        var invoker = new QueueFunctionInvoker([function], messages, failures, NullLogger<QueueFunctionInvoker>.Instance);
        var listener = new QueueListener(function.Name, queue, poison, Settings, invoker, messages, failures, NullLogger<QueueListener>.Instance);

        await messages.SendAsync(queueName, "fail-always", default);
        await messages.SendAsync(queueName, "fail-twice", default);
        await messages.SendAsync(queueName, "unprocessable", default);
        await queue.SendMessageAsync("%%% not base64 %%%");
        for (var i = 0; i < 10; i++)
        {
            await messages.SendAsync(queueName, $"ok-{i}", default);
        }

        var poisonedMetric = 0L;
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, Meters) && instrument.Name == "fulfilment.queue.poisoned")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "queue" } && Equals(tag.Value, queueName))
                {
                    Interlocked.Add(ref poisonedMetric, value);
                }
            }
        });
        meterListener.Start();

        using var stop = new CancellationTokenSource();
        var running = listener.RunAsync(stop.Token);
        await Scenario.EventuallyAsync(async () => (await queue.PeekMessagesAsync(32)).Value.Length == 0
            && (await poison.PeekMessagesAsync(32)).Value.Length == 3, "queue drained, three poisoned", TimeSpan.FromSeconds(30));
        Assert.Equal(3, Interlocked.Read(ref poisonedMetric)); // the metric fulfilment.queue.poisoned
        await stop.CancelAsync();
        await running;

        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(1, function.Attempts[$"ok-{i}"]));
        Assert.Equal(3, function.Attempts["fail-twice"]);
        Assert.Equal(Settings.MaxDequeueCount, function.Attempts["fail-always"]);
        Assert.Equal(1, function.Attempts["unprocessable"]);
        Assert.False(function.Attempts.ContainsKey("%%% not base64 %%%"));

        var poisoned = (await poison.ReceiveMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
        Assert.Contains("%%% not base64 %%%", poisoned);
        var decoded = poisoned.Select(messages.TryDecode).ToList();
        Assert.Contains("fail-always", decoded);
        Assert.Contains("unprocessable", decoded);

        var reasons = await storage.Tables.GetTableClient(TableNames.QueueFailures)
            .QueryAsync<TableEntity>(e => e.PartitionKey == queueName).ToListAsync();
        Assert.Contains(reasons, r => r.GetString("Reason").Contains("always fails", StringComparison.Ordinal) && r.GetInt64("DequeueCount") == 3);
        Assert.Contains(reasons, r => r.GetString("Reason") == "cannot ever be processed" && r.GetBoolean("Poisoned") == true);
    }

    [Fact]
    public async Task On_shutdown_an_unfinished_message_is_released_at_once_not_after_its_lease()
    {
        var queueName = "trigger-" + Guid.NewGuid().ToString("N")[..12];
        var queue = storage.Queues.GetQueueClient(queueName);
        await queue.CreateAsync();
        var failures = new QueueFailureLog(storage.Tables, Meters, TimeProvider.System);
        var messages = new QueueMessages(storage.Queues, Settings, failures);
        var function = new BlockingFunction();
        var invoker = new QueueFunctionInvoker([function], messages, failures, NullLogger<QueueFunctionInvoker>.Instance);
        var listener = new QueueListener(function.Name, queue, storage.Queues.GetQueueClient(queueName + "-poison"), Settings, invoker, messages, failures,
            NullLogger<QueueListener>.Instance);
        await messages.SendAsync(queueName, "slow-work", default);

        using var stop = new CancellationTokenSource();
        var running = listener.RunAsync(stop.Token);
        Assert.True(await function.Started.WaitAsync(TimeSpan.FromSeconds(30)), "the message is being worked on");
        Assert.Empty((await queue.PeekMessagesAsync()).Value); // leased
        await stop.CancelAsync();
        await running;

        // Visible again now, for another instance or the restart: not 30 s later.
        Assert.Single((await queue.PeekMessagesAsync()).Value);
    }

    /// <summary>Works until it is told to stop.</summary>
    private sealed class BlockingFunction : IQueueFunction
    {
        public SemaphoreSlim Started { get; } = new(0);

        public string Name => "Blocking";

        public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
        {
            Started.Release();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private sealed class ScriptedFunction : IQueueFunction
    {
        public ConcurrentDictionary<string, int> Attempts { get; } = new();

        public string Name => "Scripted";

        public Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
        {
            var attempt = Attempts.AddOrUpdate(invocation.MessageText, 1, (_, n) => n + 1);
            Assert.Equal(attempt, invocation.DequeueCount);
            return invocation.MessageText switch
            {
                "fail-always" => throw new InvalidOperationException("always fails"),
                "fail-twice" when attempt <= 2 => throw new InvalidOperationException("not yet"),
                "unprocessable" => throw new PoisonMessageException("cannot ever be processed"),
                _ => Task.CompletedTask,
            };
        }
    }
}
