using Azure.Core;
using Azure.Core.Pipeline;

namespace Fulfilment.IntegrationTests;

/// <summary>Counts the requests a storage client sends that a test is interested in.</summary>
internal sealed class CountRequests(Func<Request, bool> counted) : HttpPipelineSynchronousPolicy
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public void Reset() => Volatile.Write(ref count, 0);

    public override void OnSendingRequest(HttpMessage message)
    {
        if (counted(message.Request))
        {
            Interlocked.Increment(ref count);
        }
    }
}
