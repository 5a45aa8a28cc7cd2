using System.Text.Json;

namespace Fulfilment.Serialization;

/// <summary>
/// The JSON the app writes and reads of its own (queue messages, stored documents, callbacks, supplier calls): the web
/// defaults, camelCase names, one shared options object (it caches what it learns of each type).
/// </summary>
internal static class AppJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>For definitions ops send (risk rules): a field we do not know, or one given twice, is refused, never ignored.</summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };
}
