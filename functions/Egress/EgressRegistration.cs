using Fulfilment.Settings;

namespace Fulfilment.Egress;

/// <summary>Outbound HTTP's part of the app: whether private networks may be called (local development only).</summary>
internal static class EgressRegistration
{
    /// <summary>Registers the egress settings and answers them, for the HTTP clients the other parts build.</summary>
    public static EgressOptions AddEgress(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var egress = services.AddSettingsAndRead<EgressOptions>(configuration, "Egress");
        if (egress.AllowPrivateNetworks && !environment.IsDevelopment())
        {
            throw new InvalidOperationException("Egress:AllowPrivateNetworks is for local development only: outside Development the app calls public https addresses only.");
        }

        return egress;
    }
}
