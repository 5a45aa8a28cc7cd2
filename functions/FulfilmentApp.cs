using Azure.Identity;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Delivery;
using Fulfilment.Egress;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;
using Fulfilment.Notifications;
using Fulfilment.Ops;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Payments;
using Fulfilment.RedemptionLog;
using Fulfilment.Risk;
using Fulfilment.Storage;
using Fulfilment.Suppliers;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Azure;

namespace Fulfilment;

/// <summary>Composes the custom-handler app: settings, Azure clients, the capabilities, and the function endpoints.</summary>
internal static class FulfilmentApp
{
    public const string DefaultLocalUrl = "http://127.0.0.1:7071";

    /// <param name="environmentName">Defaults to AZURE_FUNCTIONS_ENVIRONMENT, as the Functions host sets it (else Production).</param>
    /// <param name="replaceServices">Runs after the app's own registrations: where a test swaps in what cannot run here (an identity provider).</param>
    public static WebApplication Build(
        string[] args,
        Action<WebApplicationBuilder>? configure = null,
        string? environmentName = null,
        Action<IServiceCollection>? replaceServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = environmentName ?? Environment.GetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT"),
        });
        LocalSettings.AddTo(builder.Configuration, Directory.GetCurrentDirectory(), Path.Combine(Directory.GetCurrentDirectory(), ".."), AppContext.BaseDirectory);
        configure?.Invoke(builder);
        SecretSettings.Check(builder.Configuration, builder.Environment);

        // Under the Functions host, listen where it says; alone, on loopback, driving the queue triggers ourselves.
        var handlerPort = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        var underFunctionsHost = !string.IsNullOrEmpty(handlerPort);
        builder.WebHost.UseUrls(underFunctionsHost ? $"http://127.0.0.1:{handlerPort}" : builder.Configuration["urls"] ?? DefaultLocalUrl);
        // Azure.Core logs every expected 404/409/412 (conflicts are how claims and duplicates are detected) as a warning.
        // HttpClient and Polly log every request and attempt, and an expected lost answer with its whole exception, at
        // Information: the app logs each outcome itself (SupplierDelivery, NotificationSender), once, with its meaning.
        builder.Logging.AddFilter("Azure", LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Error).AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
        AddServices(builder);
        Telemetry.AddTo(builder);
        replaceServices?.Invoke(builder.Services);
        if (!underFunctionsHost && builder.Configuration.GetValue("LocalTriggerHost:Enabled", true))
        {
            builder.Services.AddHostedService<LocalTriggerHost>();
        }

        var app = builder.Build();
        app.UseExceptionHandler(error => error.Run(context =>
            ApiResults.Error(StatusCodes.Status500InternalServerError, "internal_error", "The request failed; it is safe to retry.").ExecuteAsync(context)));
        app.UseRouting();
        app.MapFunctions();
        return app;
    }

    /// <summary>Each part of the app adds itself, from storage up to the functions; see each folder's <c>*Registration</c>.</summary>
    private static void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var metadata = FunctionAppMetadata.Load(AppContext.BaseDirectory);

        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        // In Azure: the app's user-assigned managed identity, named by its client id, for storage and Key Vault alike.
        services.AddAzureClients(clients => clients.UseCredential(
            new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = StorageConnection.From(configuration).ClientId })));
        var egress = services.AddEgress(configuration, builder.Environment);

        services
            .AddStorage(configuration, metadata.Queues)
            .AddCrypto(configuration)
            .AddWebhooks()
            .AddPayments()
            .AddSuppliers(configuration, egress)
            .AddPartners()
            .AddCatalogue()
            .AddInventory()
            .AddOrders()
            .AddRisk()
            .AddOps()
            .AddRedemptionLog()
            .AddNotifications(egress)
            .AddDelivery()
            .AddHttpEdge()
            .AddFunctions(metadata);
    }
}
