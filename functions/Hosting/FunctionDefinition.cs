namespace Fulfilment.Hosting;

/// <summary>A function as the Functions host sees it: a folder named after it holding its function.json.</summary>
internal sealed record FunctionDefinition(string Name, IReadOnlyList<BindingDefinition> Bindings)
{
    public BindingDefinition? QueueTrigger => Bindings.FirstOrDefault(b => b.Type.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase));

    public BindingDefinition? HttpTrigger => Bindings.FirstOrDefault(b => b.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase));

    public BindingDefinition? TimerTrigger => Bindings.FirstOrDefault(b => b.Type.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase));
}
