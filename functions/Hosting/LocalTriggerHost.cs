using Azure.Storage.Queues;
using Fulfilment.Storage;
using NCrontab;

namespace Fulfilment.Hosting;

/// <summary>
/// Drives the queue and timer triggers when the app runs without the Functions host (no <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>):
/// one listener per queueTrigger binding in the function folders, behaving as the Storage queues extension v5 does,
/// and one per timerTrigger binding, on its schedule.
/// </summary>
internal sealed class LocalTriggerHost(
    FunctionAppMetadata metadata,
    IConfiguration configuration,
    QueueServiceClient queues,
    QueueFunctionInvoker invoker,
    QueueMessages queueMessages,
    QueueFailureLog failures,
    IEnumerable<ITimerFunction> timerFunctions,
    TimeProvider clock,
    ILoggerFactory loggerFactory) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // As the host does: a function is disabled by the app setting AzureWebJobs.<FunctionName>.Disabled = true.
        var enabled = metadata.Functions.Where(f => !configuration.GetValue($"AzureWebJobs.{f.Name}.Disabled", false)).ToList();
        var listeners = enabled
            .Where(f => f.QueueTrigger is not null)
            .Select(f => new QueueListener(
                f.Name,
                queues.GetQueueClient(FunctionAppMetadata.Resolve(f.QueueTrigger!.QueueName ?? "", configuration)),
                queues.GetQueueClient(FunctionAppMetadata.Resolve(f.QueueTrigger!.QueueName ?? "", configuration) + QueueMessages.PoisonSuffix),
                metadata.Queues,
                invoker,
                queueMessages,
                failures,
                loggerFactory.CreateLogger<QueueListener>()))
            .ToList();
        var timers = enabled
            .Where(f => f.TimerTrigger is not null)
            .Select(f => new TimerListener(
                f.Name,
                CrontabSchedule.Parse(f.TimerTrigger!.Schedule ?? "", new CrontabSchedule.ParseOptions { IncludingSeconds = true }),
                timerFunctions.Single(t => t.Name.Equals(f.Name, StringComparison.OrdinalIgnoreCase)),
                clock,
                loggerFactory.CreateLogger<TimerListener>()))
            .ToList();
        return Task.WhenAll(listeners.Select(l => l.RunAsync(stoppingToken)).Concat(timers.Select(t => t.RunAsync(stoppingToken))));
    }
}
