namespace Fulfilment.Webhooks;

/// <summary>Why a webhook's signature was not accepted.</summary>
internal enum SignatureFailure
{
    None,
    MissingHeaders,
    InvalidTimestamp,
    StaleTimestamp,
    NoMatchingSignature,
}
