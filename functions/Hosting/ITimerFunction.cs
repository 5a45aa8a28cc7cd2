namespace Fulfilment.Hosting;

/// <summary>A function triggered on a schedule; its folder's function.json holds a timerTrigger binding (NCRONTAB, with seconds).</summary>
internal interface ITimerFunction
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
