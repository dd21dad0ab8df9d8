using TorchSharp;
Console.WriteLine(torch.__version__);
var a = torch.randn(4, 4);
Console.WriteLine(torch.mm(a, a).sum().item<float>());
