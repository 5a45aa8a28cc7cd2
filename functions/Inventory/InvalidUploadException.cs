namespace Fulfilment.Inventory;

/// <summary>The upload is not what it claims to be (a JSON upload that is not an array of strings).</summary>
internal sealed class InvalidUploadException(string message) : Exception(message);
