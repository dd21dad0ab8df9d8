using System.Text.Json.Nodes;
using Downhill.Data;
using Downhill.Models;

namespace Downhill.Tests.Models;

/// <summary>
/// Damaged or hand-edited model files, each once a crash of <c>predict</c> or <c>evaluate</c>
/// (an IndexOutOfRangeException, a KeyNotFoundException, a 24 GB allocation), now one
/// <see cref="DataFileException"/> whose message names the file, the field, the value found and what
/// belongs there. Each starts from a file the library wrote (<see cref="StoredFiles"/>).
/// </summary>
public class ModelFileLoadTests
{
    /// <summary>Loads, predicts and evaluates on the stored table, as predict and evaluate do.</summary>
    internal static void LoadPredictEvaluate(string path)
    {
        var predictor = new Predictor(ModelFile.Load(path));
        predictor.Predict(DataSource.Load(StoredFiles.TablePath, predictor.DataOptions(withTargets: false)));
        predictor.Evaluate(DataSource.Load(StoredFiles.TablePath, predictor.DataOptions(withTargets: true)));
    }

    private static string Fails(string text)
    {
        var path = StoredFiles.Write(text);
        var e = Assert.Throws<DataFileException>(() => LoadPredictEvaluate(path));
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    private static string Fails(string name, Action<JsonObject> edit)
    {
        var json = StoredFiles.Json(name);
        edit(json);
        return Fails(json.ToJsonString());
    }

    private static JsonObject Parameter(JsonObject model, int i) => model["parameters"]![i]!.AsObject();

    [Fact]
    public void Every_stored_file_loads_predicts_and_evaluates()
    {
        foreach (var name in StoredFiles.ModelNames) LoadPredictEvaluate(StoredFiles.Write(StoredFiles.Text(name)));
    }

    [Fact]
    public void A_bias_with_an_empty_shape_names_the_shape_it_needs()
    {
        var message = Fails("linear", m => Parameter(m, 1)["shape"] = new JsonArray());
        Assert.Contains("parameter \"bias\" stores 1 value in \"shape\": [], but \"kind\": \"linear\" with 2 features and 1 output needs [1]", message);
        Assert.EndsWith("correct it, or write the file again with ModelFile.Save.", message);
    }

    [Fact]
    public void A_logistic_model_with_one_class_is_refused()
    {
        var message = Fails("logistic", m => m["classes"] = new JsonArray("a"));
        Assert.Contains("field \"classes\" is a list of 1; expected the names of at least two classes", message);
    }

    [Theory]
    [InlineData("y = a*x + q*z", "uses \"q\", which is neither a parameter (a, b) nor a feature (x, z)")]
    [InlineData("y = a*x + b*z + w", "uses \"w\"")]
    public void A_formula_name_that_is_neither_parameter_nor_feature_is_named(string formula, string expected)
    {
        Assert.Contains(expected, Fails("formula", m => m["formula"] = formula));
    }

    [Fact]
    public void A_missing_formula_parameter_is_named()
    {
        var message = Fails("formula", m => m["parameters"]!.AsArray().RemoveAt(1));
        Assert.Contains("the formula \"y = a*x + b*z\" uses \"b\", which is neither a parameter (a) nor a feature (x, z)", message);
    }

    [Fact]
    public void A_formula_parameter_without_values_is_refused()
    {
        var message = Fails("formula", m => Parameter(m, 0)["values"] = new JsonArray());
        Assert.Contains("parameter \"a\" has \"shape\": [], which holds 1 value, but 0 values are stored", message);
    }

    [Fact]
    public void A_linear_kind_over_formula_parameters_names_the_parameter_it_expects()
    {
        var message = Fails("formula", m => m["kind"] = "linear");
        Assert.Contains("field \"parameters[0].name\" is \"a\"; expected \"weight\", as parameter 1 of \"kind\": \"linear\" with 2 features and 1 output", message);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("formula")]
    [InlineData("softmax")]
    public void No_features_is_refused_before_evaluating(string name)
    {
        Assert.Contains("field \"features\" is an empty list; expected the names of the input columns", Fails(name, m => m["features"] = new JsonArray()));
    }

    [Theory]
    [InlineData("kind", "5", "field \"kind\" is 5; expected a string in quotes")]
    [InlineData("features", "[\"x\", 2]", "field \"features[1]\" is 2; expected a string in quotes")]
    [InlineData("hidden", "\"3,2\"", "field \"hidden\" is the string \"3,2\"; expected a list of whole numbers")]
    [InlineData("scaler", "[]", "field \"scaler\" is an empty list []; expected an object { ... }")]
    [InlineData("parameters", "{}", "field \"parameters\" is an object; expected a list of objects { ... }")]
    [InlineData("targets", "null", "field \"targets\" is null; expected a list of strings")]
    public void A_value_of_the_wrong_JSON_type_names_field_value_and_type(string field, string value, string expected)
    {
        Assert.Contains(expected, Fails("mlp", m => m[field] = JsonNode.Parse(value)));
    }

    [Fact]
    public void A_shape_size_written_as_text_is_named()
    {
        var message = Fails("linear", m => Parameter(m, 0)["shape"]![0] = "2");
        Assert.Contains("field \"parameters[0].shape[0]\" is the string \"2\"; expected a whole number", message);
    }

    [Fact]
    public void A_format_that_is_a_number_is_named()
    {
        Assert.Contains("is not a Downhill model file: its \"format\" is 5, not \"downhill-model\"", Fails("linear", m => m["format"] = 5));
    }

    [Theory]
    [InlineData("\"kind\": ", "\"kind\": \"linear\", \"kind\": ", "field \"kind\" appears twice")]
    [InlineData("\"rmse\": ", "\"rmse\": 1, \"rmse\": ", "field \"metrics.rmse\" appears twice")]
    [InlineData("\"name\": \"bias\"", "\"name\": \"bias\", \"name\": \"bias\"", "field \"parameters[1].name\" appears twice")]
    public void A_duplicate_key_is_named(string find, string replace, string expected)
    {
        var text = StoredFiles.Text("linear");
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.Contains(expected, Fails(text[..at] + replace + text[(at + find.Length)..]));
    }

    [Fact]
    public void A_truncated_file_gives_the_line_where_the_JSON_ends()
    {
        var text = StoredFiles.Text("mlp");
        var message = Fails(text[..(text.Length / 2)]);
        Assert.Contains("is not a Downhill model file: it is not valid JSON at line ", message);
        Assert.Contains("a truncated or damaged file", message);
    }

    [Theory]
    [InlineData("", "is empty, not a Downhill model file")]
    [InlineData(" \n", "is empty, not a Downhill model file")]
    [InlineData("[]", "is not a Downhill model file: it holds an empty list [] where one JSON object { ... } belongs")]
    [InlineData("\"downhill-model\"", "it holds the string \"downhill-model\" where one JSON object")]
    public void An_empty_file_or_a_value_other_than_an_object_is_refused(string text, string expected)
    {
        Assert.Contains(expected, Fails(text));
    }

    [Fact]
    public void A_data_file_in_the_model_place_says_which_comes_first()
    {
        Assert.Contains("looks like a data file, not a Downhill model file; the model comes first: downhill predict MODEL DATA.", Fails(StoredFiles.Table));
    }

    [Fact]
    public void The_model_inside_an_array_is_refused()
    {
        Assert.Contains("it holds a list of 1 item where one JSON object { ... } belongs", Fails("[" + StoredFiles.Text("linear") + "]"));
    }

    [Theory]
    [InlineData("kind", "\"bogus\"", "field \"kind\" is \"bogus\"; expected one of \"linear\", \"logistic\", \"softmax\", \"mlp\", \"formula\"")]
    [InlineData("activation", "\"swish\"", "field \"activation\" is \"swish\"; expected one of \"relu\", \"sigmoid\", \"tanh\", \"identity\"")]
    [InlineData("loss", "\"hinge\"", "field \"loss\" is \"hinge\"; expected one of \"mse\"")]
    [InlineData("precision", "\"float16\"", "field \"precision\" is \"float16\"; expected \"float32\" or \"float64\"")]
    [InlineData("task", "\"ranking\"", "field \"task\" is \"ranking\"; expected \"regression\" or \"classification\"")]
    [InlineData("loss", "\"cross-entropy\"", "field \"loss\" is \"cross-entropy\"; expected a regression loss")]
    public void An_unknown_name_lists_the_names_there_are(string field, string value, string expected)
    {
        Assert.Contains(expected, Fails("mlp", m => m[field] = JsonNode.Parse(value)));
    }

    [Fact]
    public void A_shape_whose_product_is_not_the_number_of_values_names_both()
    {
        var message = Fails("linear", m => Parameter(m, 0)["shape"] = new JsonArray(2, 2));
        Assert.Contains("parameter \"weight\" has \"shape\": [2,2], which holds 4 values, but 2 values are stored", message);
    }

    [Fact]
    public void A_shape_too_large_to_count_does_not_overflow()
    {
        var message = Fails("linear", m => Parameter(m, 0)["shape"] = new JsonArray(int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Contains("which holds more than 2 values, but 2 values are stored", message);
    }

    [Theory]
    [InlineData("\"NaN\"", "is NaN; expected a finite number (parameter \"weight\")")]
    [InlineData("\"-Infinity\"", "is -Infinity; expected a finite number")]
    [InlineData("1e400", "field \"parameters[0].values[0]\" is Infinity; expected a finite number")]
    public void A_parameter_value_that_is_not_finite_is_named(string value, string expected)
    {
        Assert.Contains(expected, Fails("linear", m => Parameter(m, 0)["values"]![0] = JsonNode.Parse(value)));
    }

    [Fact]
    public void A_NaN_written_without_quotes_is_invalid_JSON_and_says_how_to_write_it()
    {
        var text = StoredFiles.Text("linear");
        int at = text.IndexOf("\"values\": [", StringComparison.Ordinal) + "\"values\": [".Length;
        Assert.Contains("NaN and Infinity must be written in quotes", Fails(text[..at] + "NaN," + text[at..]));
    }

    [Theory]
    [InlineData(-2, "field \"parameters[0].shape[0]\" is -2; expected a positive size (parameter \"dense1.weight\")")]
    [InlineData(0, "field \"parameters[0].shape[0]\" is 0; expected a positive size")]
    public void A_negative_or_zero_size_is_refused(int size, string expected)
    {
        Assert.Contains(expected, Fails("mlp", m => Parameter(m, 0)["shape"]![0] = size));
    }

    [Theory]
    [InlineData("[0, 2]", "field \"hidden[0]\" is 0; expected a positive number of units")]
    [InlineData("[-3, 2]", "field \"hidden[0]\" is -3")]
    [InlineData("[]", "field \"hidden\" is an empty list; expected the hidden layer sizes of an mlp")]
    public void Hidden_sizes_that_are_not_positive_are_refused(string hidden, string expected)
    {
        Assert.Contains(expected, Fails("mlp", m => m["hidden"] = JsonNode.Parse(hidden)));
    }

    [Fact]
    public void Declared_hidden_sizes_the_stored_values_do_not_back_are_refused_before_any_allocation()
    {
        // The file says 46000 units where it stores 3: building that network would take 8.5 GB.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var message = Fails("mlp", m => m["hidden"] = new JsonArray(46000, 46000));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 << 20);
        Assert.Contains("parameter \"dense1.weight\" stores 6 values in \"shape\": [2,3], but \"kind\": \"mlp\", \"hidden\": [46000,46000] with 2 features and 1 output needs [2,46000]", message);
    }

    [Fact]
    public void More_declared_layers_than_stored_parameters_lists_both()
    {
        var message = Fails("mlp", m => m["hidden"] = new JsonArray(46000, 46000, 46000, 46000));
        Assert.Contains("6 parameters are stored (dense1.weight, dense1.bias, dense2.weight, dense2.bias, dense3.weight, dense3.bias), " +
            "but \"kind\": \"mlp\", \"hidden\": [46000,46000,46000,46000] with 2 features and 1 output has 10", message);
    }

    [Theory]
    [InlineData("linear", "features")]
    [InlineData("linear", "parameters")]
    [InlineData("mlp", "loss")]
    [InlineData("formula", "targets")]
    public void A_missing_field_is_named(string name, string field)
    {
        var message = Fails(name, m => m.Remove(field));
        Assert.Contains($"field \"{field}\" is missing; expected ", message);
    }

    [Fact]
    public void A_missing_formula_is_named()
    {
        Assert.Contains("field \"formula\" is missing; expected the model's equation", Fails("formula", m => m.Remove("formula")));
    }

    [Fact]
    public void A_formula_that_does_not_parse_gives_the_reason_and_column()
    {
        Assert.Contains("\"formula\" \"y = a*(x + b*z\" cannot be read: expected ')'", Fails("formula", m => m["formula"] = "y = a*(x + b*z"));
    }

    [Fact]
    public void A_scale_of_zero_is_refused_with_the_file_named()
    {
        var message = Fails("linear", m => m["scaler"]!["featureScale"]![0] = 0);
        Assert.Contains("scale 0 is invalid; every scale must be a finite non-zero number", message);
    }

    [Fact]
    public void A_scaler_with_too_few_offsets_is_refused()
    {
        var message = Fails("linear", m =>
        {
            m["scaler"]!["featureOffset"] = new JsonArray(1.0);
            m["scaler"]!["featureScale"] = new JsonArray(1.0);
        });
        Assert.Contains("field \"scaler.featureOffset\" is a list of 1; expected one offset per feature (2)", message);
    }

    [Fact]
    public void A_classifier_with_more_outputs_than_classes_names_the_shapes()
    {
        var message = Fails("softmax", m => m["classes"] = new JsonArray("p", "q"));
        Assert.Contains("parameter \"weight\" stores 6 values in \"shape\": [2,3], but \"kind\": \"softmax\" with 2 features and 2 outputs needs [2,2]", message);
    }

    [Fact]
    public void Hidden_layers_on_a_linear_model_are_refused()
    {
        Assert.Contains("field \"hidden\" is a list of 1; expected no hidden layers in a linear model", Fails("linear", m => m["hidden"] = new JsonArray(3)));
    }

    [Fact]
    public void A_model_built_in_code_is_checked_by_the_predictor_too()
    {
        var file = ModelFile.Load(StoredFiles.Write(StoredFiles.Text("linear")));
        var broken = file with { Parameters = [file.Parameters[0], file.Parameters[1] with { Shape = [] }] };
        var e = Assert.Throws<DataFileException>(() => new Predictor(broken));
        Assert.StartsWith("model file: parameter \"bias\"", e.Message);
    }
}
