using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

/// <summary>A storage fault a test puts into the app's Table client: before a request is sent, it may throw instead.</summary>
internal abstract class InjectedStorageFault : HttpPipelineSynchronousPolicy
{
    /// <summary>Swaps the app's Table client for one whose requests pass through this fault.</summary>
    public Action<IServiceCollection> InTablesOf(string connectionString)
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        return services => services.AddSingleton(new TableServiceClient(connectionString, options));
    }

    public override void OnSendingRequest(HttpMessage message) => Inject(message);

    /// <summary>Throws, as the client would on a failed request, when this request is to fail.</summary>
    protected abstract void Inject(HttpMessage message);
}
