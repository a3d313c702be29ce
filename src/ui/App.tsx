export function App() {
  return (
    <main>
      <h1>specmoe-web</h1>
      <p>EEG decoding with SpecMoE, entirely in this tab.</p>
    </main>
  );
}
