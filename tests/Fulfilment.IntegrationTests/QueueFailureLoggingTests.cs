using System.Diagnostics.Metrics;
using Fulfilment.Hosting;
using Fulfilment.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// How a queue function's failure is told: an expected "try again later" fails the attempt like any failure and
/// records its reason, but is logged at Information without a stack trace; an unexpected exception is a warning with
/// its stack trace.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class QueueFailureLoggingTests(StorageFixture storage)
{
    [Fact]
    public async Task An_expected_retry_is_information_without_a_stack_trace_and_an_unexpected_failure_a_warning_with_one()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var failures = new QueueFailureLog(storage.Tables, meters, TimeProvider.System);
        await storage.Tables.GetTableClient(TableNames.QueueFailures).CreateIfNotExistsAsync();
        var messages = new QueueMessages(storage.Queues, new QueueExtensionSettings(), failures);
        using var logs = new CapturedLogs();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var invoker = new QueueFunctionInvoker([new FailingFunction()], messages, failures, loggerFactory.CreateLogger<QueueFunctionInvoker>());
        var queue = "failures-" + Guid.NewGuid().ToString("N")[..8];

        var later = await invoker.InvokeAsync(new QueueInvocation(FailingFunction.FunctionName, queue, "m-later", "later", 1, null), default);
        var broken = await invoker.InvokeAsync(new QueueInvocation(FailingFunction.FunctionName, queue, "m-broken", "broken", 1, null), default);

        Assert.False(later.Succeeded);
        Assert.False(broken.Succeeded);
        var laterLine = Assert.Single(logs.Lines, l => l.Contains("m-later", StringComparison.Ordinal));
        Assert.StartsWith("Information ", laterLine, StringComparison.Ordinal);
        Assert.Contains("the order changed meanwhile", laterLine, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", laterLine, StringComparison.Ordinal); // no stack trace
        var brokenLine = Assert.Single(logs.Lines, l => l.Contains("m-broken", StringComparison.Ordinal));
        Assert.StartsWith("Warning ", brokenLine, StringComparison.Ordinal);
        Assert.Contains(" at ", brokenLine, StringComparison.Ordinal);

        // Both reasons are recorded for ops, whatever the log level.
        Assert.Equal("the order changed meanwhile", (await failures.FindAsync(queue, "later", default))?.Reason);
        Assert.Contains("something broke", (await failures.FindAsync(queue, "broken", default))?.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_last_attempt_that_never_ends_leaves_its_reason_for_the_poison_queue()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var failures = new QueueFailureLog(storage.Tables, meters, TimeProvider.System);
        await storage.Tables.GetTableClient(TableNames.QueueFailures).CreateIfNotExistsAsync();
        var settings = new QueueExtensionSettings();
        var messages = new QueueMessages(storage.Queues, settings, failures);
        using var loggerFactory = LoggerFactory.Create(_ => { });
        var invoker = new QueueFunctionInvoker([new FailingFunction()], messages, failures, loggerFactory.CreateLogger<QueueFunctionInvoker>());
        var queue = "failures-" + Guid.NewGuid().ToString("N")[..8];

        // An earlier attempt that hangs and is stopped leaves nothing: the message will be delivered again.
        using (var stopped = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                invoker.InvokeAsync(new QueueInvocation(FailingFunction.FunctionName, queue, "m-1", "hang", 1, null), stopped.Token));
        }

        Assert.Null(await failures.FindAsync(queue, "hang", default));

        // The last allowed attempt stopped the same way: the trigger will poison the message without running it again,
        // and ops see why.
        using (var stopped = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                invoker.InvokeAsync(new QueueInvocation(FailingFunction.FunctionName, queue, "m-1", "hang", settings.MaxDequeueCount, null), stopped.Token));
        }

        var recorded = await failures.FindAsync(queue, "hang", default);
        Assert.Contains("ended without an outcome", recorded?.Reason, StringComparison.Ordinal);
        Assert.Equal((long)settings.MaxDequeueCount, recorded!.Attempts);

        // A last attempt that fails for a reason replaces it with that reason.
        await invoker.InvokeAsync(new QueueInvocation(FailingFunction.FunctionName, queue, "m-2", "broken", settings.MaxDequeueCount, null), default);
        Assert.Contains("something broke", (await failures.FindAsync(queue, "broken", default))?.Reason, StringComparison.Ordinal);
    }

    private sealed class FailingFunction : IQueueFunction
    {
        public const string FunctionName = "FailingFunction";

        public string Name => FunctionName;

        public Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken) => invocation.MessageText switch
        {
            "later" => throw new RetryLaterException("the order changed meanwhile"),
            "hang" => Task.Delay(Timeout.Infinite, cancellationToken),
            _ => Throw(),
        };

        private static Task Throw() => throw new InvalidOperationException("something broke");
    }
}
