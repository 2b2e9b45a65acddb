// 网上诉求: "当前位置" fills the hidden latitude and longitude from the phone, when it will say.
(function () {
  var button = document.getElementById("use-position");
  if (!button || !navigator.geolocation) return;
  var said = document.getElementById("position-said");
  button.hidden = false;
  button.addEventListener("click", function () {
    said.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (where) {
      document.getElementById("id_latitude").value = where.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = where.coords.longitude.toFixed(6);
      said.textContent = button.dataset.located + "（" + where.coords.latitude.toFixed(5) + ", " + where.coords.longitude.toFixed(5) + "）";
    }, function () {
      said.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
