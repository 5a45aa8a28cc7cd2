using NCrontab;

namespace Fulfilment.Hosting;

/// <summary>One timer trigger: runs its function at each occurrence of its NCRONTAB schedule (six fields, seconds first), as the host does.</summary>
internal sealed class TimerListener(string functionName, CrontabSchedule schedule, ITimerFunction function, TimeProvider clock, ILogger<TimerListener> logger)
{
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Local trigger host: {FunctionName} runs on schedule {Schedule}", functionName, schedule);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                await Task.Delay(schedule.GetNextOccurrence(now) - now, clock, stoppingToken);
                try
                {
                    await function.RunAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // As under the host: a failed run is logged, and the next occurrence runs as planned.
                    logger.LogError(exception, "Timer function {FunctionName} failed", functionName);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
