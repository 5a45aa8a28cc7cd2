using System.Diagnostics.Metrics;
using Azure.Identity;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Delivery;
using Fulfilment.Egress;
using Fulfilment.Functions.AddPartnerApiKey;
using Fulfilment.Functions.AddWebhookSecret;
using Fulfilment.Functions.CreatePartner;
using Fulfilment.Functions.FulfilOrder;
using Fulfilment.Functions.GetPartnerOrder;
using Fulfilment.Functions.GetStock;
using Fulfilment.Functions.ImportKeys;
using Fulfilment.Functions.NotifyPartner;
using Fulfilment.Functions.PaymentWebhook;
using Fulfilment.Functions.RetryRedemption;
using Fulfilment.Functions.SaveSku;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;
using Fulfilment.Notifications;
using Fulfilment.Ops;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Storage;
using Fulfilment.Suppliers;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;

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
        builder.Logging.AddFilter("Azure", LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Error).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
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

    private static void AddServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<QueueOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OpsOptions>().BindConfiguration("Ops").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InventoryOptions>().BindConfiguration("Inventory").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KeyVaultOptions>().BindConfiguration("KeyVault").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DevKekOptions>().BindConfiguration("DevKek");

        var storage = StorageConnection.From(configuration);
        var keyVaultUri = configuration["KeyVault:Uri"];
        services.AddAzureClients(clients =>
        {
            var (tableClient, queueClient) = storage.ConnectionString is { } connectionString
                ? (clients.AddTableServiceClient(connectionString), clients.AddQueueServiceClient(connectionString))
                : (clients.AddTableServiceClient(storage.TableServiceUri!), clients.AddQueueServiceClient(storage.QueueServiceUri!));
            tableClient.ConfigureOptions((o, provider) =>
                o.AddPolicy(new StorageRequestCounter(provider.GetRequiredService<IMeterFactory>(), "table"), Azure.Core.HttpPipelinePosition.PerRetry));
            queueClient.ConfigureOptions((o, provider) =>
            {
                o.MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.None;
                o.AddPolicy(new StorageRequestCounter(provider.GetRequiredService<IMeterFactory>(), "queue"), Azure.Core.HttpPipelinePosition.PerRetry);
            });

            if (!string.IsNullOrWhiteSpace(keyVaultUri))
            {
                clients.AddSecretClient(new Uri(keyVaultUri));
            }

            // In Azure: the app's user-assigned managed identity, named by its client id (the same for storage and Key Vault).
            clients.UseCredential(new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = storage.ClientId }));
        });

        if (!string.IsNullOrWhiteSpace(keyVaultUri))
        {
            services.AddSingleton<IKeyEncryptionKeys, KeyVaultKeyEncryptionKeys>();
        }
        else
        {
            services.AddSingleton<IKeyEncryptionKeys, DevKeyEncryptionKeys>();
        }

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PartnerRateLimit>();
        services.AddMemoryCache();
        services.AddSingleton(FunctionAppMetadata.Load(AppContext.BaseDirectory));
        services.AddSingleton(provider => provider.GetRequiredService<FunctionAppMetadata>().Queues);
        services.AddHostedService<StorageSetupService>();

        services.AddSingleton<StorageSetup>();
        services.AddSingleton<QueueMessages>();
        services.AddSingleton<QueueFailureLog>();
        services.AddSingleton<QueueFunctionInvoker>();
        services.AddSingleton<DataKeyRing>();
        services.AddSingleton<PartnerDirectory>();
        services.AddSingleton<PartnerOrders>();
        services.AddSingleton<PartnerKeyPolicy>();
        services.AddSingleton<SkuCatalogue>();
        services.AddSingleton<OrderMetrics>();
        services.AddSingleton<OrderBook>();
        services.AddSingleton<OpenOrders>();
        services.AddSingleton<StalledOrderSweep>();
        services.AddOptions<OrderSweepOptions>().BindConfiguration("OrderSweep").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FulfilmentRequests>();
        services.AddSingleton<AwaitingStockList>();
        services.AddSingleton<PaymentAcceptance>();
        services.AddSingleton<StockMap>();
        services.AddSingleton<LowStockWatch>();
        services.AddSingleton<KeyBatches>();
        services.AddSingleton<KeyVoiding>();
        services.AddSingleton<CardKeyInventory>();
        services.AddSingleton<StockGauge>();
        services.AddSingleton<KeyImport>();
        services.AddSingleton<CardKeyDelivery>();
        services.AddSingleton<OrderFulfilment>();
        services.AddSingleton<SupplierDelivery>();
        services.AddSingleton<OpsAlerts>();
        services.AddSingleton<PartnerNotifications>();
        services.AddSingleton<OrderOutcomes>();
        services.AddSingleton<Fulfilment.RedemptionLog.RedemptionLogBook>();
        services.AddSingleton<Fulfilment.RedemptionLog.RedemptionLogQuery>();
        services.AddSingleton<Fulfilment.RedemptionLog.ContinuationTokens>();
        services.AddSingleton<PartnerNotifier>();
        services.AddOptions<NotificationOptions>().BindConfiguration("Notifications").ValidateDataAnnotations().ValidateOnStart();
        var egress = configuration.GetSection("Egress").Get<EgressOptions>() ?? new EgressOptions();
        if (egress.AllowPrivateNetworks && !builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException("Egress:AllowPrivateNetworks is for local development only: outside Development the app calls public https addresses only.");
        }

        services.AddOptions<EgressOptions>().BindConfiguration("Egress");
        services.AddHttpClient(PartnerNotifier.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => OutboundHttp.Handler(egress.AllowPrivateNetworks))
            .ConfigureHttpClient(http => http.MaxResponseContentBufferSize = OutboundHttp.MaxResponseBytes);
        services.AddOptions<SupplierDeliveryOptions>().BindConfiguration("SupplierDelivery").ValidateDataAnnotations().ValidateOnStart();
        SupplierDirectory.AddSuppliers(services, configuration, egress.AllowPrivateNetworks);
        services.AddSingleton<OpsKeyPolicy>();
        services.AddSingleton<RouteAccessPolicy>();
        services.AddSingleton<PoisonQueues>();
        services.AddSingleton<OrderTrace>();
        services.AddSingleton<IKekWrappedRows>(services => services.GetRequiredService<DataKeyRing>());
        services.AddSingleton<IKekWrappedRows>(services => services.GetRequiredService<PartnerDirectory>());
        services.AddSingleton<KekRotation>();

        services.AddSingleton<IQueueFunction, FulfilOrderFunction>();
        services.AddSingleton<IQueueFunction, RetryRedemptionFunction>();
        services.AddSingleton<IQueueFunction, NotifyPartnerFunction>();
        services.AddSingleton<ITimerFunction, Fulfilment.Functions.SweepStalledOrders.SweepStalledOrdersFunction>();
        services.AddSingleton<IHttpFunction, PaymentWebhookFunction>();
        services.AddSingleton<IHttpFunction, GetPartnerOrderFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ListRedemptions.ListRedemptionsFunction>();
        services.AddSingleton<IHttpFunction, ImportKeysFunction>();
        services.AddSingleton<IHttpFunction, GetStockFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ListKeyBatches.ListKeyBatchesFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.VoidKey.VoidKeyFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.VoidKeyBatch.VoidKeyBatchFunction>();
        services.AddSingleton<IHttpFunction, SaveSkuFunction>();
        services.AddSingleton<IHttpFunction, CreatePartnerFunction>();
        services.AddSingleton<IHttpFunction, AddWebhookSecretFunction>();
        services.AddSingleton<IHttpFunction, AddPartnerApiKeyFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.RevokePartnerApiKey.RevokePartnerApiKeyFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.RetirePartnerApiKey.RetirePartnerApiKeyFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.RetireWebhookSecret.RetireWebhookSecretFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ListPartnerCredentials.ListPartnerCredentialsFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ExportRedemptions.ExportRedemptionsFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ListPoisonQueues.ListPoisonQueuesFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ListPoisonMessages.ListPoisonMessagesFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ReplayPoisonMessages.ReplayPoisonMessagesFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.PurgePoisonMessages.PurgePoisonMessagesFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.GetOrderTrace.GetOrderTraceFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ResendNotification.ResendNotificationFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.ListSkus.ListSkusFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.RotateKek.RotateKekFunction>();
        services.AddSingleton<IHttpFunction, Fulfilment.Functions.GetOpenApiDocument.GetOpenApiDocumentFunction>();
    }

    /// <summary>Creates tables and queues before the server or the local trigger host start.</summary>
    private sealed class StorageSetupService(StorageSetup setup) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => setup.EnsureCreatedAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
