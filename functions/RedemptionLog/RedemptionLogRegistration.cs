namespace Fulfilment.RedemptionLog;

/// <summary>The redemption log's part of the app: writing it, and the partners' queries with their continuation tokens.</summary>
internal static class RedemptionLogRegistration
{
    public static IServiceCollection AddRedemptionLog(this IServiceCollection services)
    {
        services.AddSingleton<RedemptionLogBook>();
        services.AddSingleton<RedemptionLogQuery>();
        services.AddSingleton<ContinuationTokens>();
        return services;
    }
}
