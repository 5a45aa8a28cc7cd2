using System.Text.Json;

namespace Fulfilment.Serialization;

/// <summary>
/// The JSON the app writes and reads of its own (queue messages, stored documents, callbacks, supplier calls): the web
/// defaults, camelCase names, one shared options object (it caches what it learns of each type).
/// </summary>
internal static class AppJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
