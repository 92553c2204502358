// Verifies one delivery with the Node `standardwebhooks` package, as a receiver would.
// stdin: {"secret": "<as the API returned it>", "payload": "<raw body>", "headers": {...}}
// Prints the verified payload's topic; exits 1 with the library's error otherwise.
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, payload, headers } = JSON.parse(input);
  try {
    const event = new Webhook(secret).verify(payload, headers);
    process.stdout.write(event.topic);
  } catch (error) {
    process.stderr.write(`${error.name}: ${error.message}`);
    process.exit(1);
  }
});
