// A signature drawn on a canvas (finger, pen or mouse, through pointer events), kept in the
// form as a PNG data URL in the hidden input next to it. The server checks the PNG.
(() => {
  "use strict";

  function setUp(box) {
    const canvas = box.querySelector("canvas");
    const input = box.querySelector("[data-signature-value]");
    const clear = box.querySelector("[data-signature-clear]");
    const pen = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;

    function reset() {
      pen.fillStyle = "#fff";
      pen.fillRect(0, 0, canvas.width, canvas.height);
      pen.lineWidth = 3;
      pen.lineCap = "round";
      pen.lineJoin = "round";
      pen.strokeStyle = "#000";
    }

    function point(event) {
      const rect = canvas.getBoundingClientRect();
      return [(event.clientX - rect.left) * (canvas.width / rect.width),
              (event.clientY - rect.top) * (canvas.height / rect.height)];
    }

    function keep() {
      if (drawn) input.value = canvas.toDataURL("image/png");
    }

    reset();
    if (input.value.startsWith("data:image/png;base64,")) {
      // A form sent back with another field to correct keeps the signature drawn.
      const image = new Image();
      image.addEventListener("load", () => { pen.drawImage(image, 0, 0); drawn = true; });
      image.src = input.value;
    }

    canvas.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      const [x, y] = point(event);
      pen.beginPath();
      pen.moveTo(x, y);
      pen.lineTo(x + 0.1, y + 0.1);
      pen.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      const [x, y] = point(event);
      pen.lineTo(x, y);
      pen.stroke();
    });
    for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
      canvas.addEventListener(type, () => {
        if (!drawing) return;
        drawing = false;
        keep();
      });
    }
    clear.addEventListener("click", () => {
      reset();
      drawn = false;
      input.value = "";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const box of document.querySelectorAll("[data-signature]")) setUp(box);
  });
})();
