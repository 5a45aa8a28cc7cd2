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

    private sealed class FailingFunction : IQueueFunction
    {
        public const string FunctionName = "FailingFunction";

        public string Name => FunctionName;

        public Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken) => invocation.MessageText switch
        {
            "later" => throw new RetryLaterException("the order changed meanwhile"),
            _ => Throw(),
        };

        private static Task Throw() => throw new InvalidOperationException("something broke");
    }
}
