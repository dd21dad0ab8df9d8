using System.Globalization;
using System.Text;

namespace Downhill.Onnx;

/// <summary>ONNX tensor element types (<c>TensorProto.DataType</c> in onnx.proto) that an export uses.</summary>
internal enum OnnxType
{
    Float = 1,
    Int64 = 7,
    String = 8,
    Double = 11,
}

/// <summary>
/// An ONNX graph being built, node by node in the order they run, then written as a
/// <c>ModelProto</c>. Every value gets a fresh name unless the caller names it (graph outputs);
/// constants become initializers. Field numbers are those of onnx.proto (IR version 8, opset 17).
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>ONNX IR version 8 (2021-07-30) goes with opset 17, the opset these graphs are written for.</summary>
    public const long IrVersion = 8;
    public const long Opset = 17;

    private sealed record NodeProto(string Op, string[] Inputs, string[] Outputs, (string Name, object Value)[] Attributes);
    private sealed record Initializer(string Name, OnnxType Type, long[] Dims, byte[] Raw, string[]? Strings);
    /// <summary>A graph input or output; a dimension is a number or, for the row count, a name.</summary>
    private sealed record ValueInfo(string Name, OnnxType Type, object[] Dims, string Doc);

    private readonly List<NodeProto> nodes = [];
    private readonly List<Initializer> initializers = [];
    private readonly List<ValueInfo> inputs = [];
    private readonly List<ValueInfo> outputs = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;

    /// <summary>The type of the real-valued tensors constants are written in by <see cref="Constant(double)"/>.</summary>
    public OnnxGraph(OnnxType real) => Real = real;

    public OnnxType Real { get; }

    public string Add(string op, params string[] inputs) => Node(op, inputs, null);

    /// <summary>
    /// Adds a node with its attributes and returns the name of its one output: <paramref name="output"/>
    /// if given (a graph output), else a fresh one. An attribute's value is an integer (<c>Cast</c>'s to,
    /// <c>Concat</c>'s axis), a float (<c>BatchNormalization</c>'s epsilon) or a long[] (<c>Conv</c>'s pads).
    /// </summary>
    public string Node(string op, string[] inputs, string? output, params (string Name, object Value)[] attributes)
    {
        output = output is null ? Fresh(op.ToLowerInvariant()) : Claim(output);
        nodes.Add(new NodeProto(op, inputs, [output], attributes));
        return output;
    }

    /// <summary>Casts <paramref name="value"/> from <paramref name="from"/> to <paramref name="to"/>; no node when they are the same.</summary>
    public string Cast(string value, OnnxType from, OnnxType to) =>
        from == to ? value : Node("Cast", [value], null, ("to", (long)to));

    /// <summary>A scalar constant in <see cref="Real"/>.</summary>
    public string Constant(double value) => NDArray(null, [value], []);

    /// <summary>A constant or parameter tensor in <see cref="Real"/>, named <paramref name="name"/> when given.</summary>
    public string NDArray(string? name, double[] values, long[] dims) => NDArray(name, values, dims, Real);

    /// <summary>A real tensor in the given type; float32 values are the doubles rounded to nearest.</summary>
    public string NDArray(string? name, double[] values, long[] dims, OnnxType type)
    {
        name = name is null ? Fresh("const") : Claim(name);
        byte[] raw = type == OnnxType.Float
            ? ProtoWriter.RawLittleEndian(values.Select(v => (float)v).ToArray())
            : ProtoWriter.RawLittleEndian(values);
        initializers.Add(new Initializer(name, type, dims, raw, null));
        return name;
    }

    public string Int64s(long[] values, long[] dims)
    {
        var name = Fresh("ints");
        initializers.Add(new Initializer(name, OnnxType.Int64, dims, ProtoWriter.RawLittleEndian(values), null));
        return name;
    }

    public string Strings(string name, string[] values)
    {
        Claim(name);
        initializers.Add(new Initializer(name, OnnxType.String, [values.Length], [], values));
        return name;
    }

    public void Input(string name, OnnxType type, object[] dims, string doc) => inputs.Add(new ValueInfo(Claim(name), type, dims, doc));

    /// <summary>Declares <paramref name="name"/>, the output of a node given that name, as a graph output.</summary>
    public void Output(string name, OnnxType type, object[] dims, string doc) => outputs.Add(new ValueInfo(name, type, dims, doc));

    private string Claim(string name)
    {
        if (!names.Add(name)) throw new System.Diagnostics.UnreachableException($"ONNX value name '{name}' used twice");
        return name;
    }

    private string Fresh(string stem)
    {
        string name;
        do name = $"{stem}_{counter++}"; while (!names.Add(name));
        return name;
    }

    /// <summary>The <c>ModelProto</c> bytes: this graph, its opset, and <paramref name="metadata"/> as <c>metadata_props</c>.</summary>
    public byte[] ToModel(string graphName, string doc, IEnumerable<KeyValuePair<string, string>> metadata, string producerVersion)
    {
        var model = new ProtoWriter();
        model.Int(1, IrVersion);                                  // ir_version
        model.String(2, "Downhill");                              // producer_name
        model.String(3, producerVersion);                         // producer_version
        model.String(6, doc);                                     // doc_string
        model.Message(7, WriteGraph(graphName));                  // graph
        model.Message(8, o => { o.String(1, ""); o.Int(2, Opset); }); // opset_import: the default domain, ai.onnx
        foreach (var (key, value) in metadata)
            model.Message(14, e => { e.String(1, key); e.String(2, value); }); // metadata_props
        return model.ToArray();
    }

    private Action<ProtoWriter> WriteGraph(string graphName) => g =>
    {
        foreach (var node in nodes) g.Message(1, n => WriteNode(n, node)); // node
        g.String(2, graphName);                                            // name
        foreach (var t in initializers) g.Message(5, w => WriteTensor(w, t)); // initializer
        foreach (var v in inputs) g.Message(11, w => WriteValueInfo(w, v));   // input
        foreach (var v in outputs) g.Message(12, w => WriteValueInfo(w, v));  // output
    };

    private static void WriteNode(ProtoWriter n, NodeProto node)
    {
        foreach (var input in node.Inputs) n.String(1, input);   // input
        foreach (var output in node.Outputs) n.String(2, output); // output
        n.String(4, node.Op);                                    // op_type
        foreach (var a in node.Attributes)
            n.Message(5, w =>                                    // attribute
            {
                w.String(1, a.Name);                             // name
                switch (a.Value)
                {
                    case int or long:
                        w.Int(3, Convert.ToInt64(a.Value, CultureInfo.InvariantCulture)); // i
                        w.Int(20, 2);                            // type: INT
                        break;
                    case float f:
                        w.Float(2, f);                           // f
                        w.Int(20, 1);                            // type: FLOAT
                        break;
                    case long[] list:
                        w.PackedInts(8, list);                   // ints
                        w.Int(20, 7);                            // type: INTS
                        break;
                    default:
                        throw new System.Diagnostics.UnreachableException($"ONNX attribute {a.Name} of {node.Op} has a value of type {a.Value.GetType().Name}; expected int, long, float or long[]");
                }
            });
    }

    private static void WriteTensor(ProtoWriter w, Initializer t)
    {
        if (t.Dims.Length > 0) w.PackedInts(1, t.Dims);           // dims
        w.Int(2, (long)t.Type);                                  // data_type
        if (t.Strings is not null)
            foreach (var s in t.Strings) w.Bytes(6, Encoding.UTF8.GetBytes(s)); // string_data
        w.String(8, t.Name);                                     // name
        if (t.Strings is null) w.Bytes(9, t.Raw);                // raw_data, little-endian
    }

    private static void WriteValueInfo(ProtoWriter w, ValueInfo v)
    {
        w.String(1, v.Name);                                     // name
        w.Message(2, type => type.Message(1, tensor =>           // type.tensor_type
        {
            tensor.Int(1, (long)v.Type);                         // elem_type
            tensor.Message(2, shape =>                           // shape
            {
                foreach (var d in v.Dims)
                    shape.Message(1, dim =>                      // dim
                    {
                        if (d is string param) dim.String(2, param); // dim_param
                        else dim.Int(1, Convert.ToInt64(d, CultureInfo.InvariantCulture)); // dim_value
                    });
            });
        }));
        w.String(3, v.Doc);                                      // doc_string
    }
}
