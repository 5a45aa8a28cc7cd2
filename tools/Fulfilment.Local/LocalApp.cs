using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Local;

/// <summary>The Fulfilment app started in this process on 127.0.0.1, as the local trigger host runs it (no Functions host).</summary>
public sealed class LocalApp : IAsyncDisposable
{
    /// <summary>The ops key of local runs (the same as local.settings.sample.json).</summary>
    public const string OpsKey = "local-ops-key-change-me";

    /// <summary>The development KEK of local runs (the same as local.settings.sample.json).</summary>
    public const string DevKek = "ZGV2LWtlay1mb3ItbG9jYWwtdXNlLW9ubHktMzJieXQ=";

    /// <summary>The risk rules' identity hash key of local runs (local.settings.sample.json's).</summary>
    public const string IdentityHashKey = "bG9jYWwtaWRlbnRpdHktaGFzaC1rZXktY2hhbmdlLW1l";

    private readonly WebApplication app;

    private LocalApp(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<LocalApp> StartAsync(
        string storageConnectionString,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<ILoggingBuilder>? logging = null,
        int? port = null,
        Action<IServiceCollection>? replaceServices = null)
    {
        // A caller that must know the address before the app starts (to give it out as a callback URL) sets "urls".
        var url = settings?.GetValueOrDefault("urls") ?? $"http://127.0.0.1:{port ?? Azurite.FreePort()}";
        var merged = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["OrderFulfilmentQueue"] = "order-fulfilment",
            ["RedemptionRetryQueue"] = "redemption-retries",
            ["PartnerNotificationQueue"] = "partner-notifications",
            ["Ops:ApiKey"] = OpsKey,
            ["DevKek:Key"] = DevKek,
            ["Risk:IdentityHashKey"] = IdentityHashKey,
            ["Egress:AllowPrivateNetworks"] = "true", // partner callbacks and suppliers are simulated on loopback
            ["urls"] = url,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        var app = FulfilmentApp.Build(
            [],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(merged);
                logging?.Invoke(builder.Logging);
            },
            Environments.Development,
            replaceServices);
        await app.StartAsync();
        return new LocalApp(app, new Uri(url + "/"));
    }

    public HttpClient CreateClient(string? bearerToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
