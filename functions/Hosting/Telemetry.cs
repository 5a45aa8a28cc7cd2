using Azure.Monitor.OpenTelemetry.Exporter;
using Fulfilment.Observability;
using Fulfilment.Storage;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fulfilment.Hosting;

/// <summary>
/// OpenTelemetry for the HTTP requests the app serves, its own traces (<see cref="OrderTracing"/>) and metrics (meter <c>Fulfilment</c>: orders,
/// claims, supplier outcomes, poisoned messages, storage requests). Exported to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (as in Azure), to OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set, and to nothing otherwise (a local run).
/// </summary>
internal static class Telemetry
{
    public const string ServiceName = "fulfilment";

    public static void AddTo(WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing.AddSource(OrderTracing.SourceName).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(StorageRequestCounter.MeterName));
        if (builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } connectionString)
        {
            telemetry.UseAzureMonitorExporter(options => options.ConnectionString = connectionString);
        }

        if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            telemetry.UseOtlpExporter();
        }
    }
}
