using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Golden;

/// <summary>
/// Sigmoid, sigmoid cross-entropy and weighted cross-entropy against values computed with Python's decimal
/// module at 50 digits straight from the definitions, not from the stable forms under test:
/// <c>σ(x) = 1/(1 + exp(-x))</c> and <c>ℓ = -(q·z·ln σ(x) + (1 - z)·ln(1 - σ(x)))</c> (q = 1 for the plain
/// sigmoid cross-entropy), with getcontext().prec = 50 and Decimal's exp and ln. The inputs are exact binary
/// fractions, so the same values hold in float and in double.
/// </summary>
public abstract class LogisticGoldenTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static Matrix<T> Logits => MatrixOf(new double[,] { { -3, 2.5, 0, 25 }, { -0.5, 8, 1.75, -25 } });

    private static Matrix<T> Labels => MatrixOf(new double[,] { { 0, 1, 0.25, 1 }, { 1, 0, 0.5, 0 } });

    [Fact]
    public void Sigmoid_OfMatrix_MatchesDecimalValues()
        => ShouldBeGolden(Activation.Sigmoid(Logits), new double[,]
        {
            { 0.047425873177566780878848151771752201386179432420609, 0.92414181997875644880669382335375222686928796033925, 0.5, 0.99999999998611205613522885439013194939525310649407 },
            { 0.37754066879814543536109943425449152124672063469110, 0.99966464986953352189612167217086248100266992644723, 0.85195280196831053029381513481567687455377624651362, 1.3887943864771145609868050604746893505931643846213E-11 },
        });

    [Fact]
    public void Sigmoid_OfVector_MatchesDecimalValues()
    {
        double[] expected =
        [
            9.3576229688392989538395626532849841115757354278696E-14, 0.075858180021243551193306176646247773130712039660785, 0.5,
            0.67917869917539297315968011577657902123422124821957, 0.98201379003790844197320686205046157512751498812044,
            0.99999999999999999575164574470841102271927909559545,
        ];
        double[] actual = ToDoubles(Activation.Sigmoid(VectorOf(-30, -2.5, 0, 0.75, 4, 40)));
        NumericAssertions.ShouldBeClose(actual, expected, GoldenRelativeTolerance, 0, "σ(x)");
    }

    [Fact]
    public void SigmoidCrossEntropyWithLogits_MatchesDecimalValues()
        => ShouldBeGolden(Loss.SigmoidCrossEntropyWithLogits(Labels, Logits), new double[,]
        {
            { 0.048587351573742058758925919854689997941881642828110, 0.078889734292549623344043916717550997259079421066924, 0.69314718055994530941723212145817656807550013436026, 1.3887943864867583102264460735923249828696607428226E-11 },
            { 0.97407698418010668087299735508117074975559619466784, 8.0003354063728957688315739098560328689437654296293, 1.0352241504380872268869476386473961925006014056963, 1.3887943864867583102264460735923249828696607428226E-11 },
        });

    [Fact]
    public void WeightedCrossEntropyWithLogits_WeightBelowOne_MatchesDecimalValues()
        => ShouldBeGolden(Loss.WeightedCrossEntropyWithLogits(Labels, Logits, Of(0.25)), new double[,]
        {
            { 0.048587351573742058758925919854689997941881642828110, 0.019722433573137405836010979179387749314769855266731, 0.56318208420495556390150109868476846156134385916772, 3.4719859662168957755661151839808124571741518570565E-12 },
            { 0.24351924604502667021824933877029268743889904866696, 8.0003354063728957688315739098560328689437654296293, 0.97514009402380451680434227415462262031287587856018, 1.3887943864867583102264460735923249828696607428226E-11 },
        });

    [Fact]
    public void WeightedCrossEntropyWithLogits_WeightTwo_MatchesDecimalValues()
        => ShouldBeGolden(Loss.WeightedCrossEntropyWithLogits(Labels, Logits, Of(2)), new double[,]
        {
            { 0.048587351573742058758925919854689997941881642828110, 0.15777946858509924668808783343510199451815884213385, 0.86643397569993163677154015182272071009437516795033, 2.7775887729735166204528921471846499657393214856452E-11 },
            { 1.9481539683602133617459947101623414995111923893357, 8.0003354063728957688315739098560328689437654296293, 1.1153362256571308403304214579710942887509021085444, 1.3887943864867583102264460735923249828696607428226E-11 },
        });

    [Fact]
    public void WeightedCrossEntropyWithLogits_WeightTen_MatchesDecimalValues()
        => ShouldBeGolden(Loss.WeightedCrossEntropyWithLogits(Labels, Logits, Of(10)), new double[,]
        {
            { 0.048587351573742058758925919854689997941881642828110, 0.78889734292549623344043916717550997259079421066924, 2.2527283368198222556060043947390738462453754366708, 1.3887943864867583102264460735923249828696607428226E-10 },
            { 9.7407698418010668087299735508117074975559619466784, 8.0003354063728957688315739098560328689437654296293, 1.7562328274094797478782120125606790587533077313294, 1.3887943864867583102264460735923249828696607428226E-11 },
        });

    [Fact]
    public void WeightedCrossEntropyWithLogits_WeightOne_EqualsSigmoidCrossEntropy()
        => NumericAssertions.ShouldBeBitIdentical(
            Loss.WeightedCrossEntropyWithLogits(Labels, Logits, T.One),
            Loss.SigmoidCrossEntropyWithLogits(Labels, Logits),
            "q = 1 against the plain sigmoid cross-entropy");

    private static void ShouldBeGolden(Matrix<T> actual, double[,] expected)
        => NumericAssertions.ShouldBeClose(RowMajor(actual), RowMajor(expected), GoldenRelativeTolerance, 0, "the element-wise result");
}

public sealed class LogisticGoldenFloatTests : LogisticGoldenTests<float>;

public sealed class LogisticGoldenDoubleTests : LogisticGoldenTests<double>;
