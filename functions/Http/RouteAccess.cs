namespace Fulfilment.Http;

/// <summary>Who may call an HTTP function: decided by its route, once, when the app maps it.</summary>
internal enum RouteAccess
{
    /// <summary><c>ops/…</c>: the ops key.</summary>
    Ops,

    /// <summary><c>partners/{partnerId}/…</c>: an API key of that partner, within its rate limit.</summary>
    Partner,

    /// <summary><c>webhooks/{partnerId}/…</c>: the function verifies the sender's signature itself (each format has its own).</summary>
    SignedWebhook,

    /// <summary><c>suppliers/{supplier}/…</c>: callback URLs we gave a supplier; the function checks our signature in them.</summary>
    SignedCallback,

    /// <summary>The few routes anyone may read (the OpenAPI document).</summary>
    Public,
}
