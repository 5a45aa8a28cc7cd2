namespace Fulfilment.Hosting;

/// <summary>
/// The functions: every class of the app that is an HTTP, queue or timer function, found by scanning (a new function is
/// a class and its folder's function.json; at start the two are checked against each other), and what invokes them.
/// </summary>
internal static class FunctionsRegistration
{
    private static readonly Type[] Kinds = [typeof(IHttpFunction), typeof(IQueueFunction), typeof(ITimerFunction)];

    public static IServiceCollection AddFunctions(this IServiceCollection services, FunctionAppMetadata metadata)
    {
        services.AddSingleton(metadata);
        services.AddSingleton<QueueFunctionInvoker>();
        foreach (var type in FunctionTypes())
        {
            foreach (var kind in Kinds.Where(kind => kind.IsAssignableFrom(type)))
            {
                services.AddSingleton(kind, type);
            }
        }

        return services;
    }

    /// <summary>The app's function classes, in a stable order.</summary>
    private static IEnumerable<Type> FunctionTypes() =>
        typeof(FunctionsRegistration).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && Kinds.Any(kind => kind.IsAssignableFrom(type)))
            .OrderBy(type => type.FullName, StringComparer.Ordinal);
}
