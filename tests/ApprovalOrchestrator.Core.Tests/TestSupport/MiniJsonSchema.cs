using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Tests.TestSupport;

/// <summary>
/// A validator for the subset of JSON Schema 2020-12 the definition schema uses (type, enum, const, required, properties,
/// additionalProperties, propertyNames, items, min/maxItems, minProperties, minimum, maximum, minLength, pattern, $ref to #/$defs,
/// allOf, oneOf, not, if/then/else). JsonSchema.Net 9.7.0 is cached here but its dependency JsonPointer.Net 7.1.0 cannot
/// be restored, so the test carries this instead; any keyword it does not know fails the test rather than passing silently.
/// </summary>
internal sealed class MiniJsonSchema(JsonNode root)
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description"];

    public List<string> Validate(JsonNode? instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonNode schema, JsonNode? value, string at, List<string> errors)
    {
        if (schema is not JsonObject s)
        {
            throw new InvalidOperationException($"Unsupported schema node at {at}.");
        }

        foreach (var (keyword, arg) in s)
        {
            switch (keyword)
            {
                case "$ref":
                    var name = arg!.GetValue<string>();
                    const string prefix = "#/$defs/";
                    if (!name.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"Unsupported $ref {name}.");
                    }

                    Check(root["$defs"]![name[prefix.Length..]]!, value, at, errors);
                    break;
                case "type":
                    var types = arg is JsonArray ta ? ta.Select(t => t!.GetValue<string>()).ToArray() : [arg!.GetValue<string>()];
                    if (!types.Any(t => HasType(value, t)))
                    {
                        errors.Add($"{at}: expected {string.Join(" or ", types)}");
                    }

                    break;
                case "enum":
                    if (!arg!.AsArray().Any(e => JsonNode.DeepEquals(e, value)))
                    {
                        errors.Add($"{at}: not one of {arg.ToJsonString()}");
                    }

                    break;
                case "const":
                    if (!JsonNode.DeepEquals(arg, value))
                    {
                        errors.Add($"{at}: expected {arg!.ToJsonString()}");
                    }

                    break;
                case "required":
                    if (value is JsonObject ro)
                    {
                        errors.AddRange(arg!.AsArray().Select(k => k!.GetValue<string>()).Where(k => !ro.ContainsKey(k)).Select(k => $"{at}: missing '{k}'"));
                    }

                    break;
                case "properties":
                    if (value is JsonObject po)
                    {
                        foreach (var (key, sub) in arg!.AsObject().Where(p => po.ContainsKey(p.Key)))
                        {
                            Check(sub!, po[key], $"{at}.{key}", errors);
                        }
                    }

                    break;
                case "additionalProperties":
                    if (value is JsonObject ao)
                    {
                        var known = s["properties"]?.AsObject().Select(p => p.Key).ToHashSet() ?? [];
                        foreach (var (key, item) in ao.Where(p => !known.Contains(p.Key)))
                        {
                            if (arg is JsonValue v && v.GetValue<bool>() == false)
                            {
                                errors.Add($"{at}: unknown property '{key}'");
                            }
                            else if (arg is JsonObject)
                            {
                                Check(arg, item, $"{at}.{key}", errors);
                            }
                        }
                    }

                    break;
                case "items":
                    if (value is JsonArray ia)
                    {
                        for (var i = 0; i < ia.Count; i++)
                        {
                            Check(arg!, ia[i], $"{at}[{i}]", errors);
                        }
                    }

                    break;
                case "minItems":
                    if (value is JsonArray mi && mi.Count < arg!.GetValue<int>())
                    {
                        errors.Add($"{at}: fewer than {arg} items");
                    }

                    break;
                case "maxItems":
                    if (value is JsonArray ma && ma.Count > arg!.GetValue<int>())
                    {
                        errors.Add($"{at}: more than {arg} items");
                    }

                    break;
                case "minProperties":
                    if (value is JsonObject mp && mp.Count < arg!.GetValue<int>())
                    {
                        errors.Add($"{at}: fewer than {arg} properties");
                    }

                    break;
                case "minimum":
                    if (Number(value) is { } min && min < Number(arg))
                    {
                        errors.Add($"{at}: below {arg}");
                    }

                    break;
                case "maximum":
                    if (Number(value) is { } max && max > Number(arg))
                    {
                        errors.Add($"{at}: above {arg}");
                    }

                    break;
                case "minLength":
                    if (Text(value) is { } ml && ml.Length < arg!.GetValue<int>())
                    {
                        errors.Add($"{at}: shorter than {arg}");
                    }

                    break;
                case "pattern":
                    if (Text(value) is { } pt && !Regex.IsMatch(pt, arg!.GetValue<string>()))
                    {
                        errors.Add($"{at}: does not match {arg}");
                    }

                    break;
                case "allOf":
                    foreach (var sub in arg!.AsArray())
                    {
                        Check(sub!, value, at, errors);
                    }

                    break;
                case "oneOf":
                    var passing = arg!.AsArray().Count(sub => Passes(sub!, value, at));
                    if (passing != 1)
                    {
                        errors.Add($"{at}: matches {passing} of oneOf, not exactly one");
                    }

                    break;
                case "not":
                    if (Passes(arg!, value, at))
                    {
                        errors.Add($"{at}: matches a 'not' schema");
                    }

                    break;
                case "if":
                    var branch = Passes(arg!, value, at) ? s["then"] : s["else"];
                    if (branch is not null)
                    {
                        Check(branch, value, at, errors);
                    }

                    break;
                case "propertyNames":
                    if (value is JsonObject named)
                    {
                        foreach (var (key, _) in named)
                        {
                            Check(arg!, JsonValue.Create(key), $"{at}.{key} (name)", errors);
                        }
                    }

                    break;
                case "then" or "else" or "$defs":
                    break;
                default:
                    if (!Annotations.Contains(keyword))
                    {
                        throw new InvalidOperationException($"MiniJsonSchema does not know keyword '{keyword}'.");
                    }

                    break;
            }
        }
    }

    private bool Passes(JsonNode schema, JsonNode? value, string at)
    {
        var errors = new List<string>();
        Check(schema, value, at, errors);
        return errors.Count == 0;
    }

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "null" => value is null,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => Text(value) is not null,
        "number" => Number(value) is not null,
        "integer" => Number(value) is { } n && n == Math.Floor(n),
        "boolean" => value is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
        _ => throw new InvalidOperationException($"Unknown type {type}."),
    };

    private static string? Text(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
